// Records the timeline of referrals loaded from files, one event per (referral, seq); loading an
// event again rewrites it with the same values. Refused: events of a referral made through the
// API, whose timeline only the API writes.
// params: $rows
// returns: line, missing, refused
UNWIND $rows AS row
OPTIONAL MATCH (r:Referral {id: row.referral_id})
WITH row, r,
  CASE WHEN r IS NOT NULL AND r.loaded IS NULL
       THEN 'the referral was made through the API, which alone writes its timeline' END AS refusal
CALL (row, r, refusal) {
  WITH * WHERE r IS NOT NULL AND refusal IS NULL
  MERGE (r)-[:HAS_EVENT]->(event:ReferralEvent {seq: row.seq})
  SET event.at = row.at, event.action = row.action, event.`from` = row.from_stage,
      event.`to` = row.to_stage, event.actor_id = row.actor_id, event.actor_kind = row.actor_kind,
      event.note = row.note
}
WITH row, r, refusal
WHERE r IS NULL OR refusal IS NOT NULL
RETURN row.line AS line, CASE WHEN r IS NULL THEN ['referral_id'] ELSE [] END AS missing,
       CASE WHEN refusal IS NOT NULL THEN {field: 'referral_id', reason: refusal} END AS refused
