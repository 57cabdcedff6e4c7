// An employee for a demo token (relgraph demo): one holding a job role now, at a branch of the
// kind asked for when there is one, at the branch whose subtree holds the most customers, first
// by id.
// scope-free: picks staff for the operator's printout; what each token sees is counted through
// the API's own scope rule (api/cli.py).
// params: $role, $kind
// returns: id
MATCH (e:Employee)-[post:WORKS_AT]->(b:Branch)
WHERE $role IN e.roles AND (post.until IS NULL OR post.until >= date())
WITH e, b, COUNT { (:Customer)-[:HOME_BRANCH]->(:Branch)-[:PART_OF*0..10]->(b) } AS customers
RETURN e.id AS id
ORDER BY b.kind = $kind DESC, customers DESC, e.id
LIMIT 1
