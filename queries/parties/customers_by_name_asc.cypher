// One page of customers in the caller's scope matching the filters, by name ascending, in pinyin
// order: name_sort_key (loaders/names.py) sorts as Chinese readers expect, and ends with the id,
// so namesakes keep one order from page to page.
// The ORDER BY is static so that Neo4j reads the customer_name_sort_key index in order and stops
// after the page; `c.name_sort_key IS NOT NULL` lets it use that index.
// params: $scope, $segment, $branch_ids, $manager_id, $tag_id, $product_id, $party_type, $today, $offset, $limit
// returns: party
MATCH (c:Customer)
WHERE c.name_sort_key IS NOT NULL AND
  // include: customer_filter(c)
RETURN
  // include: party_map(c)
  AS party
ORDER BY c.name_sort_key ASC
SKIP $offset LIMIT $limit
