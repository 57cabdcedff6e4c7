// Records guarantees given by a party for a company's debt; rejects unknown ids.
// params: $rows
// returns: line, missing
UNWIND $rows AS row
OPTIONAL MATCH (g:Party {id: row.guarantor_id})
OPTIONAL MATCH (c:Company {id: row.company_id})
CALL (row, g, c) {
  WITH row, g, c WHERE g IS NOT NULL AND c IS NOT NULL
  MERGE (g)-[r:GUARANTEES]->(c)
  SET r.amount = row.amount, r.since = row.since, r.until = row.until
}
WITH row, g, c WHERE g IS NULL OR c IS NULL
RETURN row.line AS line,
       [f IN [CASE WHEN g IS NULL THEN 'guarantor_id' END,
              CASE WHEN c IS NULL THEN 'company_id' END] WHERE f IS NOT NULL] AS missing
