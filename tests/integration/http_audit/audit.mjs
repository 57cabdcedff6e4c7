// Runs graphql-http's audit of GraphQL over HTTP against one URL and prints every result as JSON:
// [{id, name, status, reason}], status "ok" | "warn" (a SHOULD failed) | "error" (a MUST failed)
// | "notice" (a MAY failed). The bearer token (env AUDIT_TOKEN) goes on every audit request.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
const token = process.env.AUDIT_TOKEN;
const fetchFn = (input, init = {}) =>
  fetch(input, { ...init, headers: { ...(init.headers || {}), authorization: `Bearer ${token}` } });

const results = await auditServer({ url, fetchFn });
const described = await Promise.all(
  results.map(async (result) => ({
    id: result.id,
    name: result.name,
    status: result.status,
    reason: result.status === 'ok' ? null : result.reason,
    response:
      result.status === 'ok' || !result.response
        ? null
        : {
            status: result.response.status,
            contentType: result.response.headers.get('content-type'),
            body: await result.response.text().then((t) => t.slice(0, 300), () => null),
          },
  })),
);
console.log(JSON.stringify(described));
