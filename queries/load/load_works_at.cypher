// Places employees at branches; rejects rows naming unknown employees or branches.
// params: $rows
// returns: line, missing
UNWIND $rows AS row
OPTIONAL MATCH (e:Employee {id: row.employee_id})
OPTIONAL MATCH (b:Branch {id: row.branch_id})
CALL (row, e, b) {
  WITH row, e, b WHERE e IS NOT NULL AND b IS NOT NULL
  MERGE (e)-[r:WORKS_AT]->(b)
  SET r.position = row.position, r.since = row.since, r.until = row.until
}
WITH row, e, b WHERE e IS NULL OR b IS NULL
RETURN row.line AS line,
       [f IN [CASE WHEN e IS NULL THEN 'employee_id' END,
              CASE WHEN b IS NULL THEN 'branch_id' END] WHERE f IS NOT NULL] AS missing
