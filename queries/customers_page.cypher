// One page of customers matching the filters, sorted, within the caller's branch scope.
// params: $scope, $segment, $branch_ids, $manager_id, $tag_id, $product_id, $party_type, $sort, $descending, $offset, $first
// returns: total, page
MATCH (c:Customer)
WHERE ($segment IS NULL OR c.segment = $segment)
  AND ($party_type IS NULL
       OR ($party_type = 'PERSON' AND c:Person) OR ($party_type = 'COMPANY' AND c:Company))
  AND ($scope IS NULL OR EXISTS { (c)-[:HOME_BRANCH]->(hb:Branch) WHERE hb.id IN $scope })
  AND ($branch_ids IS NULL OR EXISTS { (c)-[:HOME_BRANCH]->(fb:Branch) WHERE fb.id IN $branch_ids })
  AND ($manager_id IS NULL OR EXISTS { (:Employee {id: $manager_id})-[:MANAGES]->(c) })
  AND ($tag_id IS NULL OR EXISTS { (c)-[:TAGGED]->(:Tag {id: $tag_id}) })
  AND ($product_id IS NULL OR EXISTS { (c)-[:HOLDS]->(:Product {id: $product_id}) })
WITH c
ORDER BY
  CASE WHEN $sort = 'NAME' AND NOT $descending THEN c.name END ASC,
  CASE WHEN $sort = 'NAME' AND $descending THEN c.name END DESC,
  CASE WHEN $sort = 'SINCE' AND NOT $descending THEN c.since END ASC,
  CASE WHEN $sort = 'SINCE' AND $descending THEN c.since END DESC,
  CASE WHEN $sort = 'ASSETS' AND NOT $descending THEN c.assets END ASC,
  CASE WHEN $sort = 'ASSETS' AND $descending THEN c.assets END DESC,
  c.id ASC
WITH collect(c) AS matched
RETURN size(matched) AS total,
  [p IN matched[$offset..($offset + $first)] | p {.*,
    party_type: CASE WHEN p:Person THEN 'PERSON' ELSE 'COMPANY' END,
    is_customer: true,
    home_branch_id: head([(p)-[:HOME_BRANCH]->(b:Branch) | b.id]),
    listed: EXISTS { (p)-[:LISTED]->(e:ListEntry {list: 'PROHIBITION'}) WHERE e.delisted_on IS NULL }
  }] AS page
