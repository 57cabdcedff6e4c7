// One page of customers in the caller's scope matching the filters, by customer-since date descending.
// The ORDER BY is static so that Neo4j reads the customer_since index in order and stops after the page;
// `c.since IS NOT NULL` lets it use that index.
// params: $scope, $segment, $branch_ids, $manager_id, $tag_id, $product_id, $party_type, $today, $offset, $limit
// returns: party
MATCH (c:Customer)
WHERE c.since IS NOT NULL AND
  // include: customer_filter(c)
RETURN
  // include: party_map(c)
  AS party
ORDER BY c.since DESC
SKIP $offset LIMIT $limit
