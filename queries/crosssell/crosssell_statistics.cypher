// The cross-sell statistics of a caller's scope for one customer: the holder counts of peer
// groups $groups (with '*', every group) and the co-holding counts of products $products, per
// branch of the scope (or the bank's).
// params: $scope, $groups, $products
// returns: stats, groups, pairs
MATCH (s:CrossSellStats {id: 'current'})
WHERE s.generation IS NOT NULL
WITH s,
  // include: crosssell_scope(s)
  AS branches
CALL (s, branches) {
  UNWIND branches AS branch
  UNWIND $groups AS group_key
  MATCH (h:HoldingCounts {generation: s.generation, branch: branch, group: group_key})
  RETURN collect(h {.group, .customers, .product_ids, .holders}) AS groups
}
CALL (s, branches) {
  UNWIND branches AS branch
  UNWIND $products AS product_id
  MATCH (k:CoHoldingCounts {generation: s.generation, branch: branch, product_id: product_id})
  RETURN collect(k {.product_id, .holders, .co_product_ids, .co_holders}) AS pairs
}
RETURN
  // include: crosssell_stats_map(s)
  AS stats, groups, pairs
