// Persons and companies by id, with customer attributes, home branch and prohibition status.
// params: $ids
// returns: party
UNWIND $ids AS id
MATCH (p:Party {id: id})
// Dates go out as ISO text: cheaper for the driver to decode (see party_details_by_ids).
RETURN p {.*, since: toString(p.since), birth_date: toString(p.birth_date),
  founded: toString(p.founded),
  party_type: CASE WHEN p:Person THEN 'PERSON' ELSE 'COMPANY' END,
  is_customer: p:Customer,
  home_branch_id: head([(p)-[:HOME_BRANCH]->(b:Branch) | b.id]),
  listed: EXISTS { (p)-[:LISTED]->(e:ListEntry {list: 'PROHIBITION'}) WHERE e.delisted_on IS NULL }
} AS party
