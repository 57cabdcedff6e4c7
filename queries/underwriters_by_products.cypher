// The lead (主承销商) and co-underwriters of each product, lead first, by share.
// params: $ids
// returns: product_id, role, share, party
UNWIND $ids AS id
MATCH (p:Party)-[u:UNDERWROTE]->(:Product {id: id})
RETURN id AS product_id, u.role AS role, u.share AS share, p {.*,
  party_type: CASE WHEN p:Person THEN 'PERSON' ELSE 'COMPANY' END,
  is_customer: p:Customer,
  home_branch_id: head([(p)-[:HOME_BRANCH]->(b:Branch) | b.id]),
  listed: EXISTS { (p)-[:LISTED]->(e:ListEntry {list: 'PROHIBITION'}) WHERE e.delisted_on IS NULL }
} AS party
ORDER BY product_id, CASE u.role WHEN 'LEAD' THEN 0 ELSE 1 END, coalesce(u.share, 0.0) DESC, p.id
