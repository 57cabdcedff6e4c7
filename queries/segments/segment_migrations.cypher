// Customers of some branches, in the caller's scope, whose computed segment or matrix cell
// changed on or after $since (first computations are not moves), newest first: a page and the
// total. $dropped_only keeps those who fell from KEY or VALUE (客户迁移预警).
// params: $scope, $branch_ids, $since, $dropped_only, $offset, $first
// returns: total, page
MATCH (b:Branch)<-[:HOME_BRANCH]-(c:Customer)
WHERE b.id IN $branch_ids AND
  // include: in_scope(c)
MATCH (c)-[:SEGMENT_CHANGE]->(change:SegmentChange)
WHERE change.on >= $since AND change.previous_segment IS NOT NULL
  AND (NOT $dropped_only OR change.dropped)
WITH c, change ORDER BY change.at DESC, c.id
WITH collect([c, change]) AS moves
WITH size(moves) AS total, moves[$offset..$offset + $first] AS window
CALL (window) {
  UNWIND window AS move
  WITH move[0] AS mover, move[1] AS moved
  RETURN collect({
    customer:
      // include: party_map(mover)
    ,
    change: moved {.*, on: toString(moved.on), at: toString(moved.at)}
  }) AS page
}
RETURN total, page
