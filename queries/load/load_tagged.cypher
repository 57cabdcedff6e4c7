// Tags parties; rejects unknown parties or tags.
// params: $rows
// returns: line, missing
UNWIND $rows AS row
OPTIONAL MATCH (p:Party {id: row.party_id})
OPTIONAL MATCH (t:Tag {id: row.tag_id})
CALL (row, p, t) {
  WITH row, p, t WHERE p IS NOT NULL AND t IS NOT NULL
  MERGE (p)-[r:TAGGED]->(t)
  SET r.score = row.score
}
WITH row, p, t WHERE p IS NULL OR t IS NULL
RETURN row.line AS line,
       [f IN [CASE WHEN p IS NULL THEN 'party_id' END,
              CASE WHEN t IS NULL THEN 'tag_id' END] WHERE f IS NOT NULL] AS missing
