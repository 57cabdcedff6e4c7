// Records guarantees given by a party for a company's debt; rejects unknown ids.
// Money is stored as integer fen in `*_fen` properties (graph/money.py); the rows carry fen. The
// REMOVE drops the float property an older relgraph stored in its place.
// A row whose tie is new or changed comes back with its two ends (`touched`, for re-screening).
// params: $rows
// returns: line, missing, touched
UNWIND $rows AS row
OPTIONAL MATCH (g:Party {id: row.guarantor_id})
OPTIONAL MATCH (c:Company {id: row.company_id})
OPTIONAL CALL (row, g, c) {
  WITH row, g, c WHERE g IS NOT NULL AND c IS NOT NULL
  OPTIONAL MATCH (g)-[earlier:GUARANTEES]->(c)
  WITH row, g, c, properties(earlier) AS old
  MERGE (g)-[r:GUARANTEES]->(c)
  SET r.amount_fen = row.amount, r.since = row.since, r.until = row.until
  REMOVE r.amount
  RETURN old IS NULL OR old <> properties(r) AS changed
}
WITH row, g, c, changed WHERE g IS NULL OR c IS NULL OR changed
RETURN row.line AS line,
       [f IN [CASE WHEN g IS NULL THEN 'guarantor_id' END,
              CASE WHEN c IS NULL THEN 'company_id' END] WHERE f IS NOT NULL] AS missing,
       CASE WHEN changed THEN [g.id, c.id] ELSE [] END AS touched
