// Records shareholdings of persons or companies in companies; rejects unknown ids.
// params: $rows
// returns: line, missing
UNWIND $rows AS row
OPTIONAL MATCH (owner:Party {id: row.owner_id})
OPTIONAL MATCH (c:Company {id: row.company_id})
CALL (row, owner, c) {
  WITH row, owner, c WHERE owner IS NOT NULL AND c IS NOT NULL
  MERGE (owner)-[r:OWNS]->(c)
  SET r.share = row.share, r.voting_share = row.voting_share, r.since = row.since,
      r.until = row.until
}
WITH row, owner, c WHERE owner IS NULL OR c IS NULL
RETURN row.line AS line,
       [f IN [CASE WHEN owner IS NULL THEN 'owner_id' END,
              CASE WHEN c IS NULL THEN 'company_id' END] WHERE f IS NOT NULL] AS missing
