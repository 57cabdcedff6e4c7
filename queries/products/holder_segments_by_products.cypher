// How each product's customer holders split across segments (重点/价值/潜在): the positions the
// caller is shown (holding_shown), as Product.holders counts them.
// params: $ids, $include_ended, $today, $scope
// returns: product_id, segment, holders
UNWIND $ids AS id
MATCH (c:Customer)-[h:HOLDS]->(:Product {id: id})
WHERE
  // include: holding_shown(c, h)
RETURN id AS product_id, c.segment AS segment, count(c) AS holders
ORDER BY product_id, holders DESC, segment
