// How many customers in the caller's scope match the filters (a connection's totalCount).
// The filter block is the same in every customers_* file (a test checks).
// params: $scope, $segment, $branch_ids, $manager_id, $tag_id, $product_id, $party_type
// returns: total
MATCH (c:Customer)
WHERE c.id IS NOT NULL
  AND ($segment IS NULL OR c.segment = $segment)
  AND ($party_type IS NULL
       OR ($party_type = 'PERSON' AND c:Person) OR ($party_type = 'COMPANY' AND c:Company))
  AND ($scope IS NULL OR EXISTS { (c)-[:HOME_BRANCH]->(hb:Branch) WHERE hb.id IN $scope })
  AND ($branch_ids IS NULL OR EXISTS { (c)-[:HOME_BRANCH]->(fb:Branch) WHERE fb.id IN $branch_ids })
  AND ($manager_id IS NULL OR EXISTS { (:Employee {id: $manager_id})-[:MANAGES]->(c) })
  AND ($tag_id IS NULL OR EXISTS { (c)-[:TAGGED]->(:Tag {id: $tag_id}) })
  AND ($product_id IS NULL OR EXISTS { (c)-[:HOLDS]->(:Product {id: $product_id}) })
RETURN count(c) AS total
