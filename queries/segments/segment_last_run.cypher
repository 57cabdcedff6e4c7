// The last segmentation run that finished (the rules version and day it computed for).
// params: none
// returns: run
MATCH (run:SegmentRun {status: 'DONE'})
RETURN run {.*, as_of: toString(run.as_of), started_at: toString(run.started_at),
            finished_at: toString(run.finished_at)} AS run
ORDER BY run.finished_at DESC
LIMIT 1
