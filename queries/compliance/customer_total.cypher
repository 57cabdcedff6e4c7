// How many customers there are: what a screening run screens.
// scope-free: a count for compliance's screening summary, not a list of customers.
// params: none
// returns: total
MATCH (c:Customer)
RETURN count(c) AS total
