// Links each branch to its parent in the hierarchy, replacing an earlier parent; rejects unknown ids.
// params: $rows
// returns: line, missing
UNWIND $rows AS row
OPTIONAL MATCH (b:Branch {id: row.branch_id})
OPTIONAL MATCH (parent:Branch {id: row.parent_id})
CALL (row, b, parent) {
  WITH b, parent WHERE b IS NOT NULL AND parent IS NOT NULL
  OPTIONAL MATCH (b)-[old:PART_OF]->(other) WHERE other <> parent
  DELETE old
  MERGE (b)-[:PART_OF]->(parent)
}
WITH row, b, parent WHERE b IS NULL OR parent IS NULL
RETURN row.line AS line,
       [f IN [CASE WHEN b IS NULL THEN 'branch_id' END,
              CASE WHEN parent IS NULL THEN 'parent_id' END] WHERE f IS NOT NULL] AS missing
