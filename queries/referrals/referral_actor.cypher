// A referral's stage and recipient, whether employee $actor_id heads the recipient's branch (a
// BRANCH_HEAD posted now there or above), and the referral an event with $idem_key (a request
// already answered) belongs to: what decides a change.
// params: $id, $actor_id, $idem_key
// returns: stage, recipient_id, heads_recipient, replay_of
MATCH (r:Referral {id: $id})
OPTIONAL MATCH (r)-[:ASSIGNED_TO]->(recipient:Employee)
RETURN r.stage AS stage, recipient.id AS recipient_id,
  EXISTS {
    MATCH (recipient)-[post:WORKS_AT]->(:Branch)-[:PART_OF*0..10]->(:Branch)
          <-[head_post:WORKS_AT]-(head:Employee {id: $actor_id})
    WHERE 'BRANCH_HEAD' IN head.roles
      AND (post.until IS NULL OR post.until >= date())
      AND (head_post.until IS NULL OR head_post.until >= date())
      AND (head_post.since IS NULL OR head_post.since <= date())
  } AS heads_recipient,
  head(COLLECT { MATCH (done:Referral)-[:HAS_EVENT]->(:ReferralEvent {idem_key: $idem_key})
                 RETURN done.id }) AS replay_of
