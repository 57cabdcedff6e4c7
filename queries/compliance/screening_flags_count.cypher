// How many flags screening_flags_page pages through.
// params: $run_id, $min_score, $other_run_id
// returns: total
MATCH (f:ScreeningFlag {run_id: $run_id})
WHERE f.max_score >= $min_score
  AND ($other_run_id IS NULL
       OR NOT EXISTS { MATCH (:ScreeningFlag {run_id: $other_run_id, customer_id: f.customer_id}) })
RETURN count(f) AS total
