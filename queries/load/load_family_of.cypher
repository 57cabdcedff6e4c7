// Records family ties between persons (as given: person is <relation> of relative).
// A row whose tie is new or changed comes back with its two ends (`touched`, for re-screening).
// params: $rows
// returns: line, missing, touched
UNWIND $rows AS row
OPTIONAL MATCH (p:Person {id: row.person_id})
OPTIONAL MATCH (r:Person {id: row.relative_id})
OPTIONAL CALL (row, p, r) {
  WITH row, p, r WHERE p IS NOT NULL AND r IS NOT NULL
  OPTIONAL MATCH (p)-[earlier:FAMILY_OF]->(r)
  WITH row, p, r, properties(earlier) AS old
  MERGE (p)-[f:FAMILY_OF]->(r)
  SET f.relation = row.relation, f.since = row.since, f.until = row.until
  RETURN old IS NULL OR old <> properties(f) AS changed
}
WITH row, p, r, changed WHERE p IS NULL OR r IS NULL OR changed
RETURN row.line AS line,
       [f IN [CASE WHEN p IS NULL THEN 'person_id' END,
              CASE WHEN r IS NULL THEN 'relative_id' END] WHERE f IS NOT NULL] AS missing,
       CASE WHEN changed THEN [p.id, r.id] ELSE [] END AS touched
