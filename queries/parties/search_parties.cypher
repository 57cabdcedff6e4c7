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
  WHERE
    // include: party_types(p)
    AND
    // include: in_scope(p)
  WITH p, score ORDER BY score DESC, p.id LIMIT $limit
  RETURN collect({score: score, party:
    // include: party_map(p)
  }) AS found
}
RETURN size(hits) AS scanned, found
