// Pages of customers' computed-segment histories, newest first, with each history's length.
// scope-free: history of customers the caller was already shown (the policy ran upstream).
// params: $ids, $offset, $first
// returns: customer_id, total, changes
UNWIND $ids AS id
MATCH (c:Customer {id: id})
OPTIONAL MATCH (c)-[:SEGMENT_CHANGE]->(change:SegmentChange)
WITH id, change ORDER BY change.at DESC
WITH id, collect(change {.*, on: toString(change.on), at: toString(change.at)}) AS changes
RETURN id AS customer_id, size(changes) AS total, changes[$offset..$offset + $first] AS changes
