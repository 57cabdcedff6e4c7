// The first employee (by id) holding a job role, placed at the highest-level branch: demo tokens.
// params: $role
// returns: id
MATCH (e:Employee)-[:WORKS_AT]->(b:Branch)
WHERE $role IN e.roles
OPTIONAL MATCH path = (b)-[:PART_OF*0..10]->(:Branch)
WITH e, max(length(path)) AS depth
RETURN e.id AS id
ORDER BY depth, e.id
LIMIT 1
