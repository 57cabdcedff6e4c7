// Records employment of persons by companies, and whether we run the payroll; rejects unknown ids.
// A row whose tie is new or changed comes back with its two ends (`touched`, for re-screening).
// params: $rows
// returns: line, missing, touched
UNWIND $rows AS row
OPTIONAL MATCH (p:Person {id: row.person_id})
OPTIONAL MATCH (c:Company {id: row.company_id})
OPTIONAL CALL (row, p, c) {
  WITH row, p, c WHERE p IS NOT NULL AND c IS NOT NULL
  OPTIONAL MATCH (p)-[earlier:EMPLOYED_BY]->(c)
  WITH row, p, c, properties(earlier) AS old
  MERGE (p)-[r:EMPLOYED_BY]->(c)
  SET r.position = row.position, r.payroll_with_us = row.payroll_with_us, r.since = row.since,
      r.until = row.until
  RETURN old IS NULL OR old <> properties(r) AS changed
}
WITH row, p, c, changed WHERE p IS NULL OR c IS NULL OR changed
RETURN row.line AS line,
       [f IN [CASE WHEN p IS NULL THEN 'person_id' END,
              CASE WHEN c IS NULL THEN 'company_id' END] WHERE f IS NOT NULL] AS missing,
       CASE WHEN changed THEN [p.id, c.id] ELSE [] END AS touched
