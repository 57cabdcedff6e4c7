// The alerts numbered after $after, in order, at most $limit (the subscription's feed).
// params: $after, $limit
// returns: alert
MATCH (a:ExposureAlert)
WHERE a.seq > $after
RETURN a {.*, raised_at: toString(a.raised_at), acknowledged_at: toString(a.acknowledged_at)}
  AS alert
ORDER BY a.seq
LIMIT $limit
