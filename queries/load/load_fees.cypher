// Upserts service fees (服务费) billed to a party for a product, relinking on change; rejects unknown ids.
// Money is stored as integer fen in `*_fen` properties (graph/money.py); the rows carry fen. The
// REMOVE drops the float property an older relgraph stored in its place.
// params: $rows
// returns: line, missing
UNWIND $rows AS row
OPTIONAL MATCH (p:Party {id: row.party_id})
OPTIONAL MATCH (prod:Product {id: row.product_id})
CALL (row, p, prod) {
  WITH row, p, prod WHERE p IS NOT NULL AND prod IS NOT NULL
  MERGE (f:Fee {id: row.id})
  SET f.period = row.period, f.billed_fen = row.billed, f.paid_fen = row.paid,
      f.owed_fen = row.billed - row.paid, f.billed_on = row.billed_on, f.due_on = row.due_on,
      f.paid_on = row.paid_on
  REMOVE f.billed, f.paid, f.owed
  WITH row, p, prod, f
  OPTIONAL MATCH (f)<-[stale:BILLED]-(other) WHERE other <> p
  DELETE stale
  WITH p, prod, f
  OPTIONAL MATCH (f)-[stale:FOR_PRODUCT]->(other) WHERE other <> prod
  DELETE stale
  MERGE (p)-[:BILLED]->(f)
  MERGE (f)-[:FOR_PRODUCT]->(prod)
}
WITH row, p, prod WHERE p IS NULL OR prod IS NULL
RETURN row.line AS line,
       [f IN [CASE WHEN p IS NULL THEN 'party_id' END,
              CASE WHEN prod IS NULL THEN 'product_id' END] WHERE f IS NOT NULL] AS missing
