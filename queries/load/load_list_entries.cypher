// Upserts prohibition (禁止名单) and access (准入名单) list entries naming parties. An entry closed
// through the API (delistEntity) stays closed. A row whose entry is new or changed comes back
// with the parties it names and named (`touched`, for re-screening).
// params: $rows
// returns: line, missing, touched
UNWIND $rows AS row
OPTIONAL MATCH (p:Party {id: row.party_id})
OPTIONAL CALL (row, p) {
  WITH row, p WHERE p IS NOT NULL
  OPTIONAL MATCH (earlier:ListEntry {id: row.id})
  WITH row, p, properties(earlier) AS old,
       COLLECT { MATCH (earlier)<-[:LISTED]-(holder:Party) RETURN holder.id } AS holders
  MERGE (entry:ListEntry {id: row.id})
  SET entry.list = row.list, entry.list_name = row.list_name, entry.reason = row.reason,
      entry.source = row.source, entry.listed_on = row.listed_on,
      entry.delisted_on = CASE WHEN entry.delisted_by IS NULL THEN row.delisted_on
                               ELSE entry.delisted_on END
  WITH p, entry, old, holders
  CALL (p, entry) {
    OPTIONAL MATCH (entry)<-[stale:LISTED]-(other) WHERE other <> p
    DELETE stale
  }
  MERGE (p)-[:LISTED]->(entry)
  RETURN CASE WHEN old IS NULL OR old <> properties(entry) OR NOT p.id IN holders
              THEN holders + [p.id] ELSE [] END AS changed_parties
}
WITH row, p, changed_parties WHERE p IS NULL OR size(changed_parties) > 0
RETURN row.line AS line, CASE WHEN p IS NULL THEN ['party_id'] ELSE [] END AS missing,
       coalesce(changed_parties, []) AS touched
