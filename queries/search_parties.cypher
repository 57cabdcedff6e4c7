// Full-text search over person and company names (cjk analyzer), best match first, in scope.
// The index is asked for the best $cap matches; the type and scope filters then keep up to
// $limit. `scanned` tells the caller whether the index may hold more (scanned = $cap), so that
// a caller whose scope filters out most matches can ask again with a larger cap.
// params: $text, $types, $scope, $limit, $cap
// returns: scanned, found
CALL db.index.fulltext.queryNodes('party_names', $text, {limit: $cap}) YIELD node, score
WITH collect({node: node, score: score}) AS hits
CALL (hits) {
  UNWIND hits AS hit
  WITH hit.node AS p, hit.score AS score
  WHERE ($types IS NULL OR (p:Person AND 'PERSON' IN $types) OR (p:Company AND 'COMPANY' IN $types))
    AND ($scope IS NULL OR NOT p:Customer
         OR EXISTS { (p)-[:HOME_BRANCH]->(hb:Branch) WHERE hb.id IN $scope })
  WITH p, score ORDER BY score DESC, p.id LIMIT $limit
  RETURN collect({score: score, party: p {.*,
    since: toString(p.since), birth_date: toString(p.birth_date), founded: toString(p.founded),
    party_type: CASE WHEN p:Person THEN 'PERSON' ELSE 'COMPANY' END,
    is_customer: p:Customer,
    home_branch_id: head([(p)-[:HOME_BRANCH]->(b:Branch) | b.id]),
    listed: EXISTS { (p)-[:LISTED]->(e:ListEntry {list: 'PROHIBITION'}) WHERE e.delisted_on IS NULL }
  }}) AS found
}
RETURN size(hits) AS scanned, found
