// Claims the cross-sell statistics for a refresh unless one started in the last $stale_minutes
// minutes (the write lock on the node makes two claims take turns). Returns the generation the
// refresh writes and whether it was claimed.
// params: $stale_minutes
// returns: generation, claimed
MERGE (s:CrossSellStats {id: 'current'})
WITH s, s.refreshing_since IS NOT NULL
        AND s.refreshing_since > datetime() - duration({minutes: $stale_minutes}) AS busy
SET s.refreshing_since = CASE WHEN busy THEN s.refreshing_since ELSE datetime() END
RETURN coalesce(s.generation, 0) + 1 AS generation, NOT busy AS claimed
