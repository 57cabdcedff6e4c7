// Persons and companies whose name contains every one of $words, for a search the full-text index
// cannot answer: a lone Chinese character, which the cjk analyzer indexes only in pairs. The
// party_name_text index finds the names containing $anchor (the longest word); at most $cap of
// them are looked at, then the words, type and scope filters keep up to $limit, the largest share
// of the name matched (the shortest name) first. `scanned` = $cap tells the caller the index may
// hold more, as in search_parties.
// params: $anchor, $words, $types, $scope, $limit, $cap
// returns: scanned, found
MATCH (p:Party)
WHERE p.name CONTAINS $anchor
WITH p LIMIT $cap
WITH collect(p) AS hits
CALL (hits) {
  UNWIND hits AS p
  WITH p
  WHERE all(word IN $words WHERE p.name CONTAINS word)
    AND
    // include: party_types(p)
    AND
    // include: in_scope(p)
  WITH p, toFloat(reduce(n = 0, word IN $words | n + size(word))) / size(p.name) AS score
  ORDER BY score DESC, p.id LIMIT $limit
  RETURN collect({score: score, party:
    // include: party_map(p)
  }) AS found
}
RETURN size(hits) AS scanned, found
