// Products by id.
// params: $ids
// returns: product
UNWIND $ids AS id
MATCH (p:Product {id: id})
RETURN
  // include: product_map(p)
  AS product
