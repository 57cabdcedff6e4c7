// Records the issuer (融资人) of each product; rejects unknown parties or products.
// params: $rows
// returns: line, missing
UNWIND $rows AS row
OPTIONAL MATCH (issuer:Party {id: row.issuer_id})
OPTIONAL MATCH (p:Product {id: row.product_id})
CALL (row, issuer, p) {
  WITH issuer, p WHERE issuer IS NOT NULL AND p IS NOT NULL
  MERGE (issuer)-[:ISSUED]->(p)
}
WITH row, issuer, p WHERE issuer IS NULL OR p IS NULL
RETURN row.line AS line,
       [f IN [CASE WHEN issuer IS NULL THEN 'issuer_id' END,
              CASE WHEN p IS NULL THEN 'product_id' END] WHERE f IS NOT NULL] AS missing
