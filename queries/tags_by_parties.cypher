// Each party's tags with category and score.
// params: $ids
// returns: party_id, tags
UNWIND $ids AS id
MATCH (party:Party {id: id})
CALL (party) {
  OPTIONAL MATCH (party)-[r:TAGGED]->(t:Tag)
  WITH r, t ORDER BY t.category, t.name
  RETURN collect(CASE WHEN t IS NULL THEN null ELSE t {.*, score: r.score} END) AS tags
}
RETURN party.id AS party_id, tags
