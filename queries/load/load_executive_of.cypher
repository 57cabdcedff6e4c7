// Records executives (高管) of companies with their titles; rejects unknown ids.
// params: $rows
// returns: line, missing
UNWIND $rows AS row
OPTIONAL MATCH (p:Person {id: row.person_id})
OPTIONAL MATCH (c:Company {id: row.company_id})
CALL (row, p, c) {
  WITH row, p, c WHERE p IS NOT NULL AND c IS NOT NULL
  MERGE (p)-[r:EXECUTIVE_OF]->(c)
  SET r.title = row.title, r.since = row.since, r.until = row.until
}
WITH row, p, c WHERE p IS NULL OR c IS NULL
RETURN row.line AS line,
       [f IN [CASE WHEN p IS NULL THEN 'person_id' END,
              CASE WHEN c IS NULL THEN 'company_id' END] WHERE f IS NOT NULL] AS missing
