// Each party's most recent browse/comment/share events on pushed content (私域流量).
// params: $ids, $limit
// returns: party_id, interactions
UNWIND $ids AS id
MATCH (party:Party {id: id})
CALL (party) {
  OPTIONAL MATCH (party)-[:INTERACTED]->(i:Interaction)
  WITH i ORDER BY i.at DESC, i.id
  RETURN collect(i {.*, employee_id: head([(e:Employee)-[:PUSHED]->(i) | e.id])}) AS events
}
RETURN party.id AS party_id, [i IN events[..$limit] | i {.*, party_id: party.id}] AS interactions
