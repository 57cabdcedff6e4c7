// One page of products matching the filters, by name.
// params: $type, $status, $risk_rating, $issuer_id, $offset, $first
// returns: total, page
MATCH (p:Product)
WHERE ($type IS NULL OR p.type = $type)
  AND ($status IS NULL OR p.status = $status)
  AND ($risk_rating IS NULL OR p.risk_rating = $risk_rating)
  AND ($issuer_id IS NULL OR EXISTS { (:Party {id: $issuer_id})-[:ISSUED]->(p) })
WITH p ORDER BY p.name, p.id
WITH collect(p) AS matched
RETURN size(matched) AS total, [x IN matched[$offset..($offset + $first)] |
  // include: product_map(x)
] AS page
