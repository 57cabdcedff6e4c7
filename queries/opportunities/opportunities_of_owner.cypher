// A page of the opportunities an employee owns, filtered by status, grade and kind (each when
// given), best expected value first, with how many match.
// params: $owner_id, $status, $grade, $kind, $offset, $first
// returns: total, ids
MATCH (:Employee {id: $owner_id})<-[:OWNED_BY]-(o:Opportunity)
WHERE ($status IS NULL OR o.status = $status) AND ($grade IS NULL OR o.grade = $grade)
  AND ($kind IS NULL OR o.kind = $kind)
WITH o ORDER BY o.expected_value_fen DESC, o.created_at DESC, o.id
WITH collect(o.id) AS ids
RETURN size(ids) AS total, ids[$offset..($offset + $first)] AS ids
