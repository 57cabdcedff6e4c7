// The products each party issued (as 融资人), newest first, bounded per party.
// params: $ids, $limit
// returns: party_id, products
UNWIND $ids AS id
MATCH (party:Party {id: id})
CALL (party) {
  OPTIONAL MATCH (party)-[:ISSUED]->(p:Product)
  WITH p ORDER BY p.issue_date DESC, p.id
  RETURN collect(p {.*}) AS products
}
RETURN party.id AS party_id, products[..$limit] AS products
