// Puts party $party_id on a list from $today (listEntity): a new entry, never a change to one.
// params: $party_id, $id, $list, $list_name, $reason, $source, $today, $actor
// returns: entry
MATCH (p:Party {id: $party_id})
CREATE (e:ListEntry {id: $id, list: $list, list_name: $list_name, reason: $reason,
                     source: $source, listed_on: $today, listed_by: $actor})
CREATE (p)-[:LISTED]->(e)
RETURN e {.*, party_id: p.id} AS entry
