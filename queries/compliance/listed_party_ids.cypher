// Every party on a prohibition list on $as_of: where screening starts.
// params: $as_of
// returns: id
MATCH (p:Party)-[:LISTED]->(listing:ListEntry)
WHERE listing.list = 'PROHIBITION' AND
  // include: entry_active_on(listing)
RETURN DISTINCT p.id AS id
ORDER BY id
