// Every branch with its kind and parent, and the staff at it now with their job roles: what push
// rules are checked against and route to (graph/push_rules.py).
// params: none
// returns: id, kind, parent_id, staff
MATCH (b:Branch)
RETURN b.id AS id, b.kind AS kind,
  head([(b)-[:PART_OF]->(parent:Branch) | parent.id]) AS parent_id,
  [(e:Employee)-[post:WORKS_AT]->(b)
   WHERE (post.until IS NULL OR post.until >= date()) AND (post.since IS NULL OR post.since <= date())
   | {id: e.id, roles: e.roles}] AS staff
ORDER BY id
