// Screening runs by id.
// params: $ids
// returns: run
UNWIND $ids AS id
MATCH (run:ScreeningRun {id: id})
RETURN run {.*, started_at: toString(run.started_at), finished_at: toString(run.finished_at)}
  AS run
