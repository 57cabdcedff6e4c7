// The shareholdings above a company: every OWNS tie valid on $as_of into the company and into
// every owner reaching it through such ties within $max_depth hops (at most 6), for beneficial
// owners.
// params: $id, $as_of, $max_depth
// returns: owner_id, company_id, share
MATCH (start:Company {id: $id})
MATCH path = (start)<-[:OWNS*0..5]-(company:Party)
WHERE length(path) < $max_depth
  AND all(r IN relationships(path) WHERE (r.since IS NULL OR r.since <= $as_of)
                                     AND (r.until IS NULL OR r.until >= $as_of))
WITH DISTINCT company
MATCH (owner:Party)-[r:OWNS]->(company)
WHERE (r.since IS NULL OR r.since <= $as_of) AND (r.until IS NULL OR r.until >= $as_of)
RETURN owner.id AS owner_id, company.id AS company_id, toString(r.share) AS share
