// The shareholdings below a party: every OWNS tie valid on $as_of from the party and from every
// company it reaches through such ties within $max_depth hops (at most 6), for effective shares.
// params: $id, $as_of, $max_depth
// returns: owner_id, company_id, share
MATCH (start:Party {id: $id})
MATCH path = (start)-[:OWNS*0..5]->(owner:Party)
WHERE length(path) < $max_depth
  AND all(r IN relationships(path) WHERE (r.since IS NULL OR r.since <= $as_of)
                                     AND (r.until IS NULL OR r.until >= $as_of))
WITH DISTINCT owner
MATCH (owner)-[r:OWNS]->(company:Company)
WHERE (r.since IS NULL OR r.since <= $as_of) AND (r.until IS NULL OR r.until >= $as_of)
RETURN owner.id AS owner_id, company.id AS company_id, toString(r.share) AS share
