// How many customers in the caller's scope match the filters (a connection's totalCount).
// params: $scope, $segment, $branch_ids, $manager_id, $tag_id, $product_id, $party_type
// returns: total
MATCH (c:Customer)
WHERE c.id IS NOT NULL AND
  // include: customer_filter(c)
RETURN count(c) AS total
