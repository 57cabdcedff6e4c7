// Employees by id, with the branch they work at.
// params: $ids
// returns: employee
UNWIND $ids AS id
MATCH (e:Employee {id: id})
OPTIONAL MATCH (e)-[w:WORKS_AT]->(b:Branch)
WHERE w.until IS NULL OR w.until >= date()
WITH e, w, b ORDER BY w.since DESC
WITH e, head(collect({branch_id: b.id, position: w.position})) AS post
RETURN e {.*, branch_id: post.branch_id, position: post.position} AS employee
