// Writes historical referrals as they ended up: each with its customer, participants (referrer,
// and closer when won), recipient, won product and events. Rows carry their own ids; a referral
// already written is left as it is, so an interrupted write completes when run again.
// params: $rows
// returns: written
UNWIND $rows AS row
WITH row WHERE NOT EXISTS { MATCH (:Referral {id: row.referral.id}) }
MATCH (customer:Party {id: row.referral.customer_id})
MATCH (referrer:Employee {id: row.referral.referrer_id})
MATCH (recipient:Employee {id: row.referral.recipient_id})
CREATE (r:Referral)
SET r = row.referral, r.created_at = datetime(row.referral.created_at),
    r.created_on = date(row.referral.created_on),
    r.stage_changed_at = datetime(row.referral.stage_changed_at),
    r.stage_changed_on = date(datetime(row.referral.stage_changed_at)),
    r.won_on = date(row.referral.won_on), r.idem_key = 'id|' + row.referral.id
CREATE (r)-[:FOR]->(customer)
CREATE (referrer)-[:PARTICIPATES {role: 'REFERRER', since: r.created_at}]->(r)
CREATE (r)-[:ASSIGNED_TO]->(recipient)
WITH r, row, recipient
CALL (r, row, recipient) {
  WITH r, row, recipient WHERE row.referral.stage = 'WON'
  MATCH (product:Product {id: row.referral.won_product_id})
  CREATE (recipient)-[:PARTICIPATES {role: 'CLOSER', since: r.stage_changed_at}]->(r)
  CREATE (r)-[:WON_WITH]->(product)
}
CALL (r, row) {
  UNWIND row.events AS event
  CREATE (r)-[:HAS_EVENT]->(e:ReferralEvent)
  SET e = event, e.at = datetime(event.at)
}
RETURN count(*) AS written
