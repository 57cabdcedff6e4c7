// Starts a segmentation run unless one is running (started in the last $stale_minutes minutes):
// the lock on the job's RelgraphMeta node makes two starts take turns, so one of them sees the
// other's run. Returns the new run's id, or the running one's with started = false.
// params: $run_id, $version, $as_of, $stale_minutes
// returns: run_id, started
MERGE (job:RelgraphMeta {key: 'segments_job'})
SET job.value = 'lock', job.updated_at = datetime()
WITH job
OPTIONAL MATCH (running:SegmentRun {status: 'RUNNING'})
WHERE running.started_at > datetime() - duration({minutes: $stale_minutes})
WITH job, head(collect(running.id)) AS busy
CALL (busy) {
  WITH busy WHERE busy IS NULL
  CREATE (run:SegmentRun {id: $run_id, version: $version, as_of: $as_of, status: 'RUNNING',
                          started_at: datetime()})
}
RETURN coalesce(busy, $run_id) AS run_id, busy IS NULL AS started
