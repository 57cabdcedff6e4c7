// Upserts prohibition (禁止名单) and access (准入名单) list entries naming parties.
// params: $rows
// returns: line, missing
UNWIND $rows AS row
OPTIONAL MATCH (p:Party {id: row.party_id})
CALL (row, p) {
  WITH row, p WHERE p IS NOT NULL
  MERGE (entry:ListEntry {id: row.id})
  SET entry.list = row.list, entry.list_name = row.list_name, entry.reason = row.reason,
      entry.source = row.source, entry.listed_on = row.listed_on,
      entry.delisted_on = row.delisted_on
  WITH p, entry
  OPTIONAL MATCH (entry)<-[stale:LISTED]-(other) WHERE other <> p
  DELETE stale
  MERGE (p)-[:LISTED]->(entry)
}
WITH row, p WHERE p IS NULL
RETURN row.line AS line, ['party_id'] AS missing
