// One page of customers in the caller's scope matching the filters, by customer-since date descending.
// The filter block is the same in every customers_* file (a test checks); the ORDER BY is static
// so that Neo4j reads the customer_since index in order and stops after the page.
// params: $scope, $segment, $branch_ids, $manager_id, $tag_id, $product_id, $party_type, $offset, $limit
// returns: party
MATCH (c:Customer)
WHERE c.since IS NOT NULL
  AND ($segment IS NULL OR c.segment = $segment)
  AND ($party_type IS NULL
       OR ($party_type = 'PERSON' AND c:Person) OR ($party_type = 'COMPANY' AND c:Company))
  AND ($scope IS NULL OR EXISTS { (c)-[:HOME_BRANCH]->(hb:Branch) WHERE hb.id IN $scope })
  AND ($branch_ids IS NULL OR EXISTS { (c)-[:HOME_BRANCH]->(fb:Branch) WHERE fb.id IN $branch_ids })
  AND ($manager_id IS NULL OR EXISTS { (:Employee {id: $manager_id})-[:MANAGES]->(c) })
  AND ($tag_id IS NULL OR EXISTS { (c)-[:TAGGED]->(:Tag {id: $tag_id}) })
  AND ($product_id IS NULL OR EXISTS { (c)-[:HOLDS]->(:Product {id: $product_id}) })
RETURN c {.*,
  party_type: CASE WHEN c:Person THEN 'PERSON' ELSE 'COMPANY' END,
  is_customer: true,
  home_branch_id: head([(c)-[:HOME_BRANCH]->(b:Branch) | b.id]),
  listed: EXISTS { (c)-[:LISTED]->(e:ListEntry {list: 'PROHIBITION'}) WHERE e.delisted_on IS NULL }
} AS party
ORDER BY c.since DESC
SKIP $offset LIMIT $limit
