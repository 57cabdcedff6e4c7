// How the customers of some branches, in the caller's scope, split by computed segment and
// matrix cell (value tier × need type), beside the segment loaded from the source system.
// params: $scope, $branch_ids
// returns: segment, value_tier, need_type, source_segment, customers
MATCH (b:Branch)<-[:HOME_BRANCH]-(c:Customer)
WHERE b.id IN $branch_ids AND
  // include: in_scope(c)
RETURN c.computed_segment AS segment, c.computed_value_tier AS value_tier,
       c.computed_need_type AS need_type, c.segment AS source_segment, count(c) AS customers
