// Records shareholdings of persons or companies in companies; rejects unknown ids.
// A row whose tie is new or changed comes back with its two ends (`touched`, for re-screening).
// params: $rows
// returns: line, missing, touched
UNWIND $rows AS row
OPTIONAL MATCH (owner:Party {id: row.owner_id})
OPTIONAL MATCH (c:Company {id: row.company_id})
OPTIONAL CALL (row, owner, c) {
  WITH row, owner, c WHERE owner IS NOT NULL AND c IS NOT NULL
  OPTIONAL MATCH (owner)-[earlier:OWNS]->(c)
  WITH row, owner, c, properties(earlier) AS old
  MERGE (owner)-[r:OWNS]->(c)
  SET r.share = row.share, r.voting_share = row.voting_share, r.since = row.since,
      r.until = row.until
  RETURN old IS NULL OR old <> properties(r) AS changed
}
WITH row, owner, c, changed WHERE owner IS NULL OR c IS NULL OR changed
RETURN row.line AS line,
       [f IN [CASE WHEN owner IS NULL THEN 'owner_id' END,
              CASE WHEN c IS NULL THEN 'company_id' END] WHERE f IS NOT NULL] AS missing,
       CASE WHEN changed THEN [owner.id, c.id] ELSE [] END AS touched
