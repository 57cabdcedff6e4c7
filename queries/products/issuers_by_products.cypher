// The issuer (融资人 / 发行人) of each product.
// scope-free: the caller passes each issuer through the access policy.
// params: $ids
// returns: product_id, party
UNWIND $ids AS id
MATCH (p:Party)-[:ISSUED]->(:Product {id: id})
RETURN id AS product_id,
  // include: party_map(p)
  AS party
