// Makes a written generation the current statistics. They stay stale when a load changed
// holdings after this refresh began (refreshing_since): it may have read around the change.
// params: $generation, $customers, $version, $seconds, $branches
// returns: nothing
MATCH (s:CrossSellStats {id: 'current'})
SET s.generation = $generation, s.computed_at = datetime(), s.customers = $customers,
    s.version = $version, s.seconds = $seconds, s.branches = $branches,
    s.stale_since = CASE WHEN s.changed_at >= s.refreshing_since THEN s.changed_at END,
    s.refreshing_since = null
