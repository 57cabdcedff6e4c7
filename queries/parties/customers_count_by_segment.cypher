// How many customers in the caller's scope match the filters, counted from the customer_segment
// index.
// params: $scope, $segment, $branch_ids, $manager_id, $tag_id, $product_id, $party_type, $today
// returns: total
MATCH (c:Customer)
WHERE c.segment = $segment AND
  // include: customer_filter(c)
RETURN count(c) AS total
