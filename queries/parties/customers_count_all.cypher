// How many customers there are: the label's count store, no customer read. For a caller who sees
// every branch, asking with no filter (graph/parties.py's count_customers).
// scope-free: sent only when the caller's scope is every branch and no filter is set.
// params: none
// returns: total
MATCH (c:Customer)
RETURN count(c) AS total
