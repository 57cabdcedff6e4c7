// Gives up a refresh claim that failed before it published.
// params: none
// returns: nothing
MATCH (s:CrossSellStats {id: 'current'})
SET s.refreshing_since = null
