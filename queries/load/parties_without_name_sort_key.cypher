// Parties loaded before relgraph stored name sort keys (or written by other means): the loader
// gives them one, so no customer drops out of the list by name.
// params: $limit
// returns: id, name, person
MATCH (p:Party)
WHERE p.name_sort_key IS NULL AND p.name IS NOT NULL
RETURN p.id AS id, p.name AS name, p:Person AS person
LIMIT $limit
