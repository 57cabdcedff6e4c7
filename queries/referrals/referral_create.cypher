// Creates a referral (转介) unless one with the same idempotency key exists: the key is unique
// (graph/schema.py), so a request sent twice, even at once, creates one referral. A new one is
// linked to its customer, referrer, recipient, institution and the opportunity it came from, and
// gets its first event; `created` says whether this call made it.
// params: $row, $idem_key
// returns: id, created, request_hash
MERGE (r:Referral {idem_key: $idem_key})
ON CREATE SET r = $row, r.idem_key = $idem_key, r.created_at = datetime($row.created_at),
              r.created_on = date($row.created_on)
WITH r, r.id = $row.id AS created
CALL (r, created) {
  WITH r WHERE created
  MATCH (customer:Party {id: r.customer_id})
  MATCH (referrer:Employee {id: r.referrer_id})
  MATCH (recipient:Employee {id: r.recipient_id})
  CREATE (r)-[:FOR]->(customer)
  CREATE (referrer)-[:PARTICIPATES {role: 'REFERRER', since: r.created_at}]->(r)
  CREATE (r)-[:ASSIGNED_TO]->(recipient)
  CREATE (r)-[:HAS_EVENT]->(:ReferralEvent {at: r.created_at, action: 'CREATE', to: 'NEW',
                                            actor_id: r.referrer_id, actor_kind: 'REFERRER',
                                            note: r.note})
  WITH r
  CALL (r) {
    MATCH (opportunity:Opportunity {id: r.opportunity_id})
    CREATE (r)-[:FROM_OPPORTUNITY]->(opportunity)
  }
}
RETURN r.id AS id, created, r.request_hash AS request_hash
