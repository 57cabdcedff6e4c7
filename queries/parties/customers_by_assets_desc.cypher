// One page of customers in the caller's scope matching the filters, by assets descending.
// The ORDER BY is static so that Neo4j reads the customer_assets_fen index in order and stops after the page;
// `c.assets_fen IS NOT NULL` lets it use that index.
// params: $scope, $segment, $branch_ids, $manager_id, $tag_id, $product_id, $party_type, $today, $offset, $limit
// returns: party
MATCH (c:Customer)
WHERE c.assets_fen IS NOT NULL AND
  // include: customer_filter(c)
RETURN
  // include: party_map(c)
  AS party
ORDER BY c.assets_fen DESC
SKIP $offset LIMIT $limit
