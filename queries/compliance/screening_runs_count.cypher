// How many screening runs there are.
// params: none
// returns: total
MATCH (run:ScreeningRun)
RETURN count(run) AS total
