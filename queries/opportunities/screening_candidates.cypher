// An active screening list (主动筛选): the customers in the caller's scope matching the customer
// filter that do not hold a product of type $product on $today, each with its primary manager,
// at most $limit of them (the caller reads one more to know the list was cut).
// params: $scope, $segment, $branch_ids, $manager_id, $tag_id, $product_id, $party_type, $product, $today, $limit
// returns: party, manager_id
MATCH (c:Customer)
WHERE
  // include: customer_filter(c)
  AND NOT $product IN
    // include: held_types(c)
RETURN
  // include: party_map(c)
  AS party,
  // include: primary_manager(c)
  AS manager_id
ORDER BY c.id
LIMIT $limit
