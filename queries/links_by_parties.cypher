// Each party's corporate-personal and corporate ties, both directions, with the other party inline.
// params: $ids, $types, $limit
// returns: party_id, total, links
UNWIND $ids AS id
MATCH (party:Party {id: id})
CALL (party) {
  OPTIONAL MATCH (party)-[r:OWNS|EXECUTIVE_OF|LEGAL_REP_OF|EMPLOYED_BY|FAMILY_OF|GUARANTEES]-(other:Party)
  WHERE $types IS NULL OR type(r) IN $types
  WITH r, other ORDER BY type(r), coalesce(r.share, 0.0) DESC, other.id
  RETURN collect(CASE WHEN r IS NULL THEN null ELSE {
    link: r {.*, party_id: party.id, other_id: other.id, type: type(r),
             outgoing: startNode(r) = party},
    other: other {.*,
      party_type: CASE WHEN other:Person THEN 'PERSON' ELSE 'COMPANY' END,
      is_customer: other:Customer,
      home_branch_id: head([(other)-[:HOME_BRANCH]->(b:Branch) | b.id]),
      listed: EXISTS { (other)-[:LISTED]->(e:ListEntry {list: 'PROHIBITION'})
                       WHERE e.delisted_on IS NULL }}
  } END) AS links
}
RETURN party.id AS party_id, size(links) AS total, links[..$limit] AS links
