// A page of list entries, newest first: of list $list (or every list) and in force on $as_of
// (or any), each with its party, in the caller's scope.
// params: $list, $as_of, $scope, $offset, $limit
// returns: entry, party
MATCH (p:Party)-[:LISTED]->(e:ListEntry)
WHERE ($list IS NULL OR e.list = $list)
  AND ($as_of IS NULL OR
    // include: entry_active_on(e)
  )
  AND
  // include: in_scope(p)
RETURN e {.*, party_id: p.id} AS entry,
  // include: party_map(p)
  AS party
ORDER BY e.listed_on DESC, e.id
SKIP $offset LIMIT $limit
