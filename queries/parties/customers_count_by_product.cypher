// How many customers in the caller's scope match the filters, counted from the current positions
// in the product the filter names ($anchor). The MATCH is the filter's product condition: the
// caller passes $product_id null rather than have each customer's ties walked again.
// params: $anchor, $scope, $segment, $branch_ids, $manager_id, $tag_id, $product_id, $party_type, $today
// returns: total
MATCH (:Product {id: $anchor})<-[holding:HOLDS]-(c:Customer)
WHERE
  // include: current(holding)
  AND
  // include: customer_filter(c)
RETURN count(c) AS total
