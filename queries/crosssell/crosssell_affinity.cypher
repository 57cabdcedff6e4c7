// A product's row of the association matrix (产品关联矩阵) in a caller's scope: how many customers
// the scope has, how many hold each product, and how many holders of $product_id also hold each
// other product, per branch of the scope (or the bank's).
// params: $scope, $product_id
// returns: stats, totals, pairs
MATCH (s:CrossSellStats {id: 'current'})
WHERE s.generation IS NOT NULL
WITH s,
  // include: crosssell_scope(s)
  AS branches
CALL (s, branches) {
  UNWIND branches AS branch
  MATCH (h:HoldingCounts {generation: s.generation, branch: branch, group: '*'})
  RETURN collect(h {.group, .customers, .product_ids, .holders}) AS totals
}
CALL (s, branches) {
  UNWIND branches AS branch
  MATCH (k:CoHoldingCounts {generation: s.generation, branch: branch, product_id: $product_id})
  RETURN collect(k {.product_id, .holders, .co_product_ids, .co_holders}) AS pairs
}
RETURN
  // include: crosssell_stats_map(s)
  AS stats, totals, pairs
