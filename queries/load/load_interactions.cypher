// Upserts browse/comment/share events on pushed content, with the pushing employee when known.
// params: $rows
// returns: line, missing
UNWIND $rows AS row
OPTIONAL MATCH (p:Party {id: row.party_id})
OPTIONAL MATCH (e:Employee {id: row.employee_id})
WITH row, p, e, row.employee_id IS NOT NULL AND e IS NULL AS unknown_employee
CALL (row, p, e, unknown_employee) {
  WITH row, p, e WHERE p IS NOT NULL AND NOT unknown_employee
  MERGE (i:Interaction {id: row.id})
  SET i.kind = row.kind, i.topic = row.topic, i.content_id = row.content_id,
      i.channel = row.channel, i.at = row.at
  WITH p, e, i
  OPTIONAL MATCH (i)<-[stale:INTERACTED|PUSHED]-(other) WHERE other <> p AND (e IS NULL OR other <> e)
  DELETE stale
  MERGE (p)-[:INTERACTED]->(i)
  FOREACH (pusher IN CASE WHEN e IS NULL THEN [] ELSE [e] END | MERGE (pusher)-[:PUSHED]->(i))
}
WITH row, p, unknown_employee WHERE p IS NULL OR unknown_employee
RETURN row.line AS line,
       [f IN [CASE WHEN p IS NULL THEN 'party_id' END,
              CASE WHEN unknown_employee THEN 'employee_id' END] WHERE f IS NOT NULL] AS missing
