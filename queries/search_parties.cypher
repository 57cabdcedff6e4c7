// Full-text search over person and company names (cjk analyzer), best match first, in scope.
// params: $text, $types, $scope, $limit
// returns: party, score
CALL db.index.fulltext.queryNodes('party_names', $text, {limit: $limit * 5}) YIELD node, score
WHERE ($types IS NULL OR (node:Person AND 'PERSON' IN $types) OR (node:Company AND 'COMPANY' IN $types))
  AND ($scope IS NULL OR NOT node:Customer
       OR EXISTS { (node)-[:HOME_BRANCH]->(hb:Branch) WHERE hb.id IN $scope })
WITH node AS p, score ORDER BY score DESC, p.id LIMIT $limit
RETURN p {.*,
  party_type: CASE WHEN p:Person THEN 'PERSON' ELSE 'COMPANY' END,
  is_customer: p:Customer,
  home_branch_id: head([(p)-[:HOME_BRANCH]->(b:Branch) | b.id]),
  listed: EXISTS { (p)-[:LISTED]->(e:ListEntry {list: 'PROHIBITION'}) WHERE e.delisted_on IS NULL }
} AS party, score
