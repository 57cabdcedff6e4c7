// A page of alerts, newest first, before alert number $before (null: from the newest), of
// status $status (or any).
// params: $status, $before, $limit
// returns: alert
MATCH (a:ExposureAlert)
WHERE ($status IS NULL OR a.status = $status) AND ($before IS NULL OR a.seq < $before)
RETURN a {.*, raised_at: toString(a.raised_at), acknowledged_at: toString(a.acknowledged_at)}
  AS alert
ORDER BY a.seq DESC
LIMIT $limit
