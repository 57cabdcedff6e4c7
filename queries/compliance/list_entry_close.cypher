// Closes list entry $id from $today (delistEntity): the entry stays, with when, why and by whom
// it was closed. An entry closed already is left as it was; `was_open` says which.
// params: $id, $today, $reason, $actor
// returns: entry, was_open
MATCH (p:Party)-[:LISTED]->(e:ListEntry {id: $id})
WITH p, e, e.delisted_on IS NULL OR e.delisted_on > $today AS was_open
CALL (e, was_open) {
  WITH e WHERE was_open
  SET e.delisted_on = $today, e.delist_reason = $reason, e.delisted_by = $actor
}
RETURN e {.*, party_id: p.id} AS entry, was_open
