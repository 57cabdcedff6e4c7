// Adds supporting employees (SUPPORTING participants) to referrals loaded from files; they share
// the SUPPORTING part of a win's credit. Refused: a referral made through the API (its
// participants are added there), and a new supporter of a referral whose credit is split already.
// params: $rows
// returns: line, missing, refused
UNWIND $rows AS row
OPTIONAL MATCH (r:Referral {id: row.referral_id})
OPTIONAL MATCH (employee:Employee {id: row.employee_id})
WITH row, r, employee,
  [f IN [CASE WHEN r IS NULL THEN 'referral_id' END,
         CASE WHEN employee IS NULL THEN 'employee_id' END] WHERE f IS NOT NULL] AS missing,
  CASE
    WHEN r IS NULL OR employee IS NULL THEN null
    WHEN r.loaded IS NULL
      THEN 'the referral was made through the API: add its participants with addReferralParticipant'
    WHEN EXISTS { MATCH (employee)-[:PARTICIPATES {role: 'SUPPORTING'}]->(r) } THEN null
    WHEN EXISTS { MATCH (:LedgerEntry)-[:FOR_REFERRAL]->(r) }
      THEN 'the referral\'s credit is split already, so a supporter added now would get none'
  END AS refusal
CALL (row, r, employee, missing, refusal) {
  WITH * WHERE size(missing) = 0 AND refusal IS NULL
  MERGE (employee)-[p:PARTICIPATES {role: 'SUPPORTING'}]->(r)
  ON CREATE SET p.since = coalesce(row.since, r.created_at)
}
WITH row, missing, refusal
WHERE size(missing) > 0 OR refusal IS NOT NULL
RETURN row.line AS line, missing,
       CASE WHEN refusal IS NOT NULL THEN {field: 'referral_id', reason: refusal} END AS refused
