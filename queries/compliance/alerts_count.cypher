// How many alerts alerts_page pages through.
// params: $status
// returns: total
MATCH (a:ExposureAlert)
WHERE $status IS NULL OR a.status = $status
RETURN count(a) AS total
