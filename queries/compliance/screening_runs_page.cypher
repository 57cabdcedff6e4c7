// A page of screening runs, newest first.
// params: $offset, $limit
// returns: run
MATCH (run:ScreeningRun)
RETURN run {.*, started_at: toString(run.started_at), finished_at: toString(run.finished_at)}
  AS run
ORDER BY run.started_at DESC, run.id DESC
SKIP $offset LIMIT $limit
