// Records the start of screening run $id with its parameters; the latest completed run before
// it is what it will be compared with.
// params: $id, $at, $actor, $max_hops, $as_of, $types, $cap
// returns: run
OPTIONAL MATCH (earlier:ScreeningRun {status: 'COMPLETED'})
WITH earlier ORDER BY earlier.finished_at DESC LIMIT 1
CREATE (run:ScreeningRun {id: $id, status: 'RUNNING', started_at: datetime($at),
                          started_by: $actor, max_hops: $max_hops, as_of: $as_of,
                          types: $types, cap: $cap, previous_run_id: earlier.id})
RETURN run {.*, started_at: toString(run.started_at)} AS run
