// Moves each referral of $changes from stage `from` to `to` (its lock is held: the stage was
// just read), recording the change's `event`; a `recipient` (REASSIGN) moves it to another
// employee and institution, `won` records the product, amount, holding and day of a win, whose
// closer joins the participants. Each change is {id, from, to, event, recipient, won}. Returns
// each referral changed as it now stands (its credit as before this transaction).
// params: $changes
// returns: referral
UNWIND $changes AS change
MATCH (r:Referral {id: change.id})
WHERE r.stage = change.from
SET r.stage = change.to, r.stage_changed_at = datetime(change.event.at),
    r.stage_changed_on = date(datetime(change.event.at))
CREATE (r)-[:HAS_EVENT]->(event:ReferralEvent)
SET event = change.event, event.at = datetime(change.event.at)
WITH r, change
CALL (r, change) {
  WITH r, change WHERE change.recipient IS NOT NULL
  MATCH (r)-[assigned:ASSIGNED_TO]->(:Employee)
  DELETE assigned
  WITH r, change
  MATCH (recipient:Employee {id: change.recipient.employee_id})
  CREATE (r)-[:ASSIGNED_TO]->(recipient)
  SET r.recipient_id = recipient.id, r.institution_id = change.recipient.institution_id,
      r.route = change.recipient.route, r.push_rule = null
}
CALL (r, change) {
  WITH r, change WHERE change.won IS NOT NULL
  MATCH (closer:Employee {id: change.won.closer_id})
  MATCH (product:Product {id: change.won.product_id})
  CREATE (closer)-[:PARTICIPATES {role: 'CLOSER', since: r.stage_changed_at}]->(r)
  CREATE (r)-[:WON_WITH]->(product)
  SET r.won_product_id = product.id, r.won_product_line = product.type,
      r.won_amount_fen = change.won.amount_fen, r.won_on = r.stage_changed_on,
      r.holding_id = change.won.holding_id
}
RETURN
  // include: referral_map(r)
  AS referral
