// Each party's risk warnings (风险预警), open ones first, then newest, bounded per party.
// params: $ids, $limit
// returns: party_id, warnings
UNWIND $ids AS id
MATCH (party:Party {id: id})
CALL (party) {
  OPTIONAL MATCH (party)-[:HAS_WARNING]->(w:RiskWarning)
  WITH w ORDER BY w.resolved_on IS NULL DESC, w.raised_on DESC, w.id
  RETURN collect(w {.*}) AS warnings
}
RETURN party.id AS party_id, [w IN warnings[..$limit] | w {.*, party_id: party.id}] AS warnings
