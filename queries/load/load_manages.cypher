// Assigns customer managers to customers; rejects unknown employees and non-customers.
// scope-free: ingest of the bank's own files, run by the loader, never for an API caller.
// params: $rows
// returns: line, missing
UNWIND $rows AS row
OPTIONAL MATCH (e:Employee {id: row.employee_id})
OPTIONAL MATCH (c:Customer {id: row.customer_id})
CALL (row, e, c) {
  WITH row, e, c WHERE e IS NOT NULL AND c IS NOT NULL
  MERGE (e)-[r:MANAGES]->(c)
  SET r.role = row.role, r.since = row.since, r.until = row.until
}
WITH row, e, c WHERE e IS NULL OR c IS NULL
RETURN row.line AS line,
       [f IN [CASE WHEN e IS NULL THEN 'employee_id' END,
              CASE WHEN c IS NULL THEN 'customer_id' END] WHERE f IS NOT NULL] AS missing
