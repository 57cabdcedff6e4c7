// Stores flagged customers of screening run $run_id: one node per customer with the listed
// parties it is exposed to (`hits`, JSON), its best score and nearest hop count.
// params: $run_id, $flags
// returns: written
UNWIND $flags AS flag
CREATE (f:ScreeningFlag {run_id: $run_id, customer_id: flag.customer_id,
                         customer_name: flag.customer_name, max_score: flag.max_score,
                         min_hops: flag.min_hops, hits: flag.hits})
RETURN count(f) AS written
