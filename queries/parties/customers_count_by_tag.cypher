// How many customers in the caller's scope match the filters, counted from the customers with the
// tag the filter names ($anchor). The MATCH is the filter's tag condition: the caller passes
// $tag_id null rather than have each customer's ties walked again.
// params: $anchor, $scope, $segment, $branch_ids, $manager_id, $tag_id, $product_id, $party_type, $today
// returns: total
MATCH (:Tag {id: $anchor})<-[:TAGGED]-(c:Customer)
WHERE
  // include: customer_filter(c)
RETURN count(c) AS total
