// Closes a segmentation run with its counts (status DONE, or FAILED when it stopped midway).
// params: $run_id, $status, $customers, $first_computed, $changed, $dropped
// returns: nothing
MATCH (run:SegmentRun {id: $run_id})
SET run.status = $status, run.finished_at = datetime(), run.customers = $customers,
    run.first_computed = $first_computed, run.changed = $changed, run.dropped = $dropped
