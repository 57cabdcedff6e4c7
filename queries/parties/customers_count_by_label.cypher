// How many customers in the caller's scope match the filters, read by label: for a filter that
// names nothing an index could start from (a party type alone, for a caller who sees every branch).
// params: $scope, $segment, $branch_ids, $manager_id, $tag_id, $product_id, $party_type, $today
// returns: total
MATCH (c:Customer)
WHERE
  // include: customer_filter(c)
RETURN count(c) AS total
