// The products each institution underwrote, with its role (LEAD 主承销商 or CO) and share.
// params: $ids, $limit
// returns: party_id, underwritings
UNWIND $ids AS id
MATCH (party:Party {id: id})
CALL (party) {
  OPTIONAL MATCH (party)-[u:UNDERWROTE]->(p:Product)
  WITH u, p ORDER BY p.issue_date DESC, p.id
  RETURN collect(CASE WHEN u IS NULL THEN null ELSE
    {underwriter_id: party.id, product_id: p.id, role: u.role, share: u.share,
     product: p {.*}} END) AS underwritings
}
RETURN party.id AS party_id, underwritings[..$limit] AS underwritings
