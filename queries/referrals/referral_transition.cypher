// Moves a referral from stage $from to $to (its lock is held: the stage was just read), recording
// the event; $recipient (REASSIGN) moves it to another employee and institution, $won the
// product, amount, holding and day of a win, whose closer joins the participants.
// params: $id, $from, $to, $event, $recipient, $won
// returns: id
MATCH (r:Referral {id: $id})
WHERE r.stage = $from
SET r.stage = $to, r.stage_changed_at = datetime($event.at), r.stage_changed_on = date(datetime($event.at))
CREATE (r)-[:HAS_EVENT]->(event:ReferralEvent)
SET event = $event, event.at = datetime($event.at)
WITH r
CALL (r) {
  WITH r WHERE $recipient IS NOT NULL
  MATCH (r)-[assigned:ASSIGNED_TO]->(:Employee)
  DELETE assigned
  WITH r
  MATCH (recipient:Employee {id: $recipient.employee_id})
  CREATE (r)-[:ASSIGNED_TO]->(recipient)
  SET r.recipient_id = recipient.id, r.institution_id = $recipient.institution_id,
      r.route = $recipient.route, r.push_rule = null
}
CALL (r) {
  WITH r WHERE $won IS NOT NULL
  MATCH (closer:Employee {id: $won.closer_id})
  MATCH (product:Product {id: $won.product_id})
  CREATE (closer)-[:PARTICIPATES {role: 'CLOSER', since: r.stage_changed_at}]->(r)
  CREATE (r)-[:WON_WITH]->(product)
  SET r.won_product_id = product.id, r.won_product_line = product.type,
      r.won_amount_fen = $won.amount_fen, r.won_on = r.stage_changed_on,
      r.holding_id = $won.holding_id
}
RETURN r.id AS id
