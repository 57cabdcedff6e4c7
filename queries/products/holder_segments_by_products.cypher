// How each product's customer holders in the caller's scope split across segments (重点/价值/潜在).
// params: $ids, $scope
// returns: product_id, segment, holders
UNWIND $ids AS id
MATCH (c:Customer)-[:HOLDS]->(:Product {id: id})
WHERE
  // include: in_scope(c)
RETURN id AS product_id, c.segment AS segment, count(c) AS holders
ORDER BY product_id, holders DESC, segment
