// Records lead (主承销商) and co-underwriters of products; rejects unknown parties or products.
// params: $rows
// returns: line, missing
UNWIND $rows AS row
OPTIONAL MATCH (u:Party {id: row.underwriter_id})
OPTIONAL MATCH (p:Product {id: row.product_id})
CALL (row, u, p) {
  WITH row, u, p WHERE u IS NOT NULL AND p IS NOT NULL
  MERGE (u)-[r:UNDERWROTE]->(p)
  SET r.role = row.role, r.share = row.share
}
WITH row, u, p WHERE u IS NULL OR p IS NULL
RETURN row.line AS line,
       [f IN [CASE WHEN u IS NULL THEN 'underwriter_id' END,
              CASE WHEN p IS NULL THEN 'product_id' END] WHERE f IS NOT NULL] AS missing
