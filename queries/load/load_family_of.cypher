// Records family ties between persons (as given: person is <relation> of relative).
// params: $rows
// returns: line, missing
UNWIND $rows AS row
OPTIONAL MATCH (p:Person {id: row.person_id})
OPTIONAL MATCH (r:Person {id: row.relative_id})
CALL (row, p, r) {
  WITH row, p, r WHERE p IS NOT NULL AND r IS NOT NULL
  MERGE (p)-[f:FAMILY_OF]->(r)
  SET f.relation = row.relation, f.since = row.since, f.until = row.until
}
WITH row, p, r WHERE p IS NULL OR r IS NULL
RETURN row.line AS line,
       [f IN [CASE WHEN p IS NULL THEN 'person_id' END,
              CASE WHEN r IS NULL THEN 'relative_id' END] WHERE f IS NOT NULL] AS missing
