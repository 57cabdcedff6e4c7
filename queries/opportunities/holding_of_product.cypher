// Whether party $party_id holds product $product_id on $today, and the product's type: what
// converting an opportunity links to.
// params: $party_id, $product_id, $today
// returns: type, held
MATCH (product:Product {id: $product_id})
RETURN product.type AS type, EXISTS {
  MATCH (:Party {id: $party_id})-[holding:HOLDS]->(product)
  WHERE
    // include: current(holding)
} AS held
