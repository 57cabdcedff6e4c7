// A branch's id and the ids of all branches under it: the reach of its staff's access.
// params: $id
// returns: ids
MATCH (root:Branch {id: $id})
OPTIONAL MATCH (sub:Branch)-[:PART_OF*1..10]->(root)
WITH root, collect(DISTINCT sub.id) AS subs
RETURN [root.id] + subs AS ids
