// Makes existing parties customers (:Customer) with their home branch; rejects unknown ids.
// scope-free: ingest of the bank's own files, run by the loader, never for an API caller.
// params: $rows
// returns: line, missing
UNWIND $rows AS row
OPTIONAL MATCH (p:Party {id: row.party_id})
OPTIONAL MATCH (home:Branch {id: row.home_branch_id})
CALL (row, p, home) {
  WITH row, p, home WHERE p IS NOT NULL AND home IS NOT NULL
  SET p:Customer, p.since = row.since, p.segment = row.segment, p.value_tier = row.value_tier,
      p.need_type = row.need_type, p.risk_tolerance = row.risk_tolerance,
      p.assets_fen = coalesce(p.assets_fen, 0)
  WITH p, home
  OPTIONAL MATCH (p)-[old:HOME_BRANCH]->(other) WHERE other <> home
  DELETE old
  MERGE (p)-[:HOME_BRANCH]->(home)
}
WITH row, p, home WHERE p IS NULL OR home IS NULL
RETURN row.line AS line,
       [f IN [CASE WHEN p IS NULL THEN 'party_id' END,
              CASE WHEN home IS NULL THEN 'home_branch_id' END] WHERE f IS NOT NULL] AS missing
