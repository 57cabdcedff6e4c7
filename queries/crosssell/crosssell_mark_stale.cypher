// Marks the cross-sell statistics stale: a load wrote holdings or customers, or segments moved.
// params: none
// returns: nothing
MATCH (s:CrossSellStats {id: 'current'})
SET s.changed_at = datetime(), s.stale_since = coalesce(s.stale_since, datetime())
