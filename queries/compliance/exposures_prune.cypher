// Drops the kept exposures to parties not in $listed_ids (after a screening run: those listed
// parties are no longer listed).
// scope-free: compliance bookkeeping of every customer; only compliance and admin see it.
// params: $listed_ids
// returns: dropped
MATCH (:Customer)-[e:EXPOSED_TO]->(x:Party)
WHERE NOT x.id IN $listed_ids
DELETE e
RETURN count(*) AS dropped
