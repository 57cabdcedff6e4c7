// Records holdings (产品持有人) of products by parties; rejects unknown parties or products.
// Money is stored as integer fen in `*_fen` properties (graph/money.py); the rows carry fen. The
// REMOVE drops the float property an older relgraph stored in its place.
// params: $rows
// returns: line, missing
UNWIND $rows AS row
OPTIONAL MATCH (h:Party {id: row.holder_id})
OPTIONAL MATCH (p:Product {id: row.product_id})
CALL (row, h, p) {
  WITH row, h, p WHERE h IS NOT NULL AND p IS NOT NULL
  MERGE (h)-[r:HOLDS]->(p)
  SET r.amount_fen = row.amount, r.since = row.since, r.until = row.until
  REMOVE r.amount
}
WITH row, h, p WHERE h IS NULL OR p IS NULL
RETURN row.line AS line,
       [f IN [CASE WHEN h IS NULL THEN 'holder_id' END,
              CASE WHEN p IS NULL THEN 'product_id' END] WHERE f IS NOT NULL] AS missing
