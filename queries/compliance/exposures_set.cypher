// Makes the kept exposures to each listed party of $listed_ids exactly $rows (listed_id,
// customer_id, hops, score, path as JSON): others to those parties go, these are written (an
// exposure keeps the time it was first seen).
// scope-free: compliance bookkeeping of every customer; only compliance and admin see it.
// params: $listed_ids, $rows, $at
// returns: written
UNWIND $listed_ids AS listed_id
CALL (listed_id) {
  MATCH (:Party {id: listed_id})<-[stale:EXPOSED_TO]-(c:Customer)
  WHERE NOT c.id IN [row IN $rows WHERE row.listed_id = listed_id | row.customer_id]
  DELETE stale
}
WITH count(*) AS cleared
UNWIND $rows AS row
MATCH (c:Customer {id: row.customer_id}), (x:Party {id: row.listed_id})
MERGE (c)-[e:EXPOSED_TO]->(x)
ON CREATE SET e.since = datetime($at)
SET e.hops = row.hops, e.score = row.score, e.path = row.path
RETURN count(e) AS written
