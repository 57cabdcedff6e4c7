// The lead (主承销商) and co-underwriters of each product, lead first, by share.
// scope-free: the caller passes each underwriter through the access policy.
// params: $ids
// returns: product_id, role, share, party
UNWIND $ids AS id
MATCH (p:Party)-[u:UNDERWROTE]->(:Product {id: id})
RETURN id AS product_id, u.role AS role, u.share AS share,
  // include: party_map(p)
  AS party
ORDER BY product_id, CASE u.role WHEN 'LEAD' THEN 0 ELSE 1 END, coalesce(u.share, 0.0) DESC, p.id
