// The prohibition (禁止名单) and access (准入名单) list entries naming each party.
// params: $ids
// returns: party_id, entries
UNWIND $ids AS id
MATCH (party:Party {id: id})
CALL (party) {
  OPTIONAL MATCH (party)-[:LISTED]->(e:ListEntry)
  WITH e ORDER BY e.listed_on DESC, e.id
  RETURN collect(e {.*}) AS entries
}
RETURN party.id AS party_id, [e IN entries | e {.*, party_id: party.id}] AS entries
