// Adds a supporting employee to a referral (once: adding them again changes nothing) and records
// the event.
// params: $id, $employee_id, $role, $event
// returns: added
MATCH (r:Referral {id: $id})
MATCH (employee:Employee {id: $employee_id})
OPTIONAL MATCH (employee)-[held:PARTICIPATES {role: $role}]->(r)
CALL (r, employee, held) {
  WITH r, employee, held WHERE held IS NULL
  CREATE (employee)-[:PARTICIPATES {role: $role, since: datetime($event.at)}]->(r)
  CREATE (r)-[:HAS_EVENT]->(event:ReferralEvent)
  SET event = $event, event.at = datetime($event.at)
}
RETURN held IS NULL AS added
