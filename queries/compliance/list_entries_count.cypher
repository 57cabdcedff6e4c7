// How many entries list_entries_page pages through.
// params: $list, $as_of, $scope
// returns: total
MATCH (p:Party)-[:LISTED]->(e:ListEntry)
WHERE ($list IS NULL OR e.list = $list)
  AND ($as_of IS NULL OR
    // include: entry_active_on(e)
  )
  AND
  // include: in_scope(p)
RETURN count(e) AS total
