// The number of the last alert raised (0 before any).
// params: none
// returns: seq
OPTIONAL MATCH (counter:RelgraphCounter {name: 'exposure_alerts'})
RETURN coalesce(counter.value, 0) AS seq
