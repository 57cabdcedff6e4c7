// The issuer (融资人 / 发行人) of each product.
// params: $ids
// returns: product_id, party
UNWIND $ids AS id
MATCH (p:Party)-[:ISSUED]->(:Product {id: id})
RETURN id AS product_id, p {.*,
  party_type: CASE WHEN p:Person THEN 'PERSON' ELSE 'COMPANY' END,
  is_customer: p:Customer,
  home_branch_id: head([(p)-[:HOME_BRANCH]->(b:Branch) | b.id]),
  listed: EXISTS { (p)-[:LISTED]->(e:ListEntry {list: 'PROHIBITION'}) WHERE e.delisted_on IS NULL }
} AS party
