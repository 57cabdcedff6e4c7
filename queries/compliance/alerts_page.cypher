// A page of alerts, newest first, of status $status (or any).
// params: $status, $offset, $limit
// returns: alert
MATCH (a:ExposureAlert)
WHERE $status IS NULL OR a.status = $status
RETURN a {.*, raised_at: toString(a.raised_at), acknowledged_at: toString(a.acknowledged_at)}
  AS alert
ORDER BY a.seq DESC
SKIP $offset LIMIT $limit
