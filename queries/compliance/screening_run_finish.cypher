// Records the end of screening run $id: its outcome and counts, and how many customers it flags
// that the run before did not, and the other way round.
// params: $id, $status, $at, $counts
// returns: run
MATCH (run:ScreeningRun {id: $id})
SET run += $counts, run.status = $status, run.finished_at = datetime($at)
WITH run
CALL (run) {
  RETURN
    COUNT { MATCH (f:ScreeningFlag {run_id: run.id})
            WHERE NOT EXISTS { MATCH (:ScreeningFlag {run_id: run.previous_run_id,
                                                      customer_id: f.customer_id}) } }
      AS newly_flagged,
    COUNT { MATCH (f:ScreeningFlag {run_id: run.previous_run_id})
            WHERE NOT EXISTS { MATCH (:ScreeningFlag {run_id: run.id,
                                                      customer_id: f.customer_id}) } }
      AS no_longer_flagged
}
SET run.newly_flagged = newly_flagged, run.no_longer_flagged = no_longer_flagged
RETURN run {.*, started_at: toString(run.started_at), finished_at: toString(run.finished_at)}
  AS run
