// Upserts risk warnings (风险预警) raised on parties; rejects unknown parties.
// params: $rows
// returns: line, missing
UNWIND $rows AS row
OPTIONAL MATCH (p:Party {id: row.party_id})
CALL (row, p) {
  WITH row, p WHERE p IS NOT NULL
  MERGE (w:RiskWarning {id: row.id})
  SET w.level = row.level, w.category = row.category, w.description = row.description,
      w.source = row.source, w.raised_on = row.raised_on, w.resolved_on = row.resolved_on
  WITH p, w
  OPTIONAL MATCH (w)<-[stale:HAS_WARNING]-(other) WHERE other <> p
  DELETE stale
  MERGE (p)-[:HAS_WARNING]->(w)
}
WITH row, p WHERE p IS NULL
RETURN row.line AS line, ['party_id'] AS missing
