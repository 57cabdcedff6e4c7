// The cross-sell statistics' bookkeeping: when computed, by which rules, stale since when.
// params: none
// returns: stats
MATCH (s:CrossSellStats {id: 'current'})
WHERE s.generation IS NOT NULL
RETURN
  // include: crosssell_stats_map(s)
  AS stats
