// A page of the customers screening run $run_id flags with a best score of at least $min_score,
// highest first; with $other_run_id set, only those that run does not flag (newly flagged, or
// no longer flagged when read from the earlier run).
// params: $run_id, $min_score, $other_run_id, $offset, $limit
// returns: flag
MATCH (f:ScreeningFlag {run_id: $run_id})
WHERE f.max_score >= $min_score
  AND ($other_run_id IS NULL
       OR NOT EXISTS { MATCH (:ScreeningFlag {run_id: $other_run_id, customer_id: f.customer_id}) })
RETURN f {.*} AS flag
ORDER BY f.max_score DESC, f.customer_id
SKIP $offset LIMIT $limit
