// Write-locks each referral of $changes until the transaction ends, then reads, as last
// committed (the lock makes concurrent changes to one referral run one after the other, so of
// two wins the second sees the first), what decides its change: its stage and recipient, whether
// the change's actor heads the recipient's branch (a BRANCH_HEAD posted now there or above), the
// referral an event with the change's idempotency key (a request already answered) belongs to,
// the referral itself, and for a win of a product (null for other changes) the product's line
// and whether the customer holds it on $today, with every version of the credit policy of its
// line (oldest first), which decide the win's credit. A referral not found has no row. Each
// change is {id, actor_id, idem_key, product_id}.
// params: $changes, $now, $today
// returns: stage, recipient_id, heads_recipient, replay_of, referral, product_found, product_line, held, policies
UNWIND $changes AS change
MATCH (r:Referral {id: change.id})
SET r.locked_at = $now
WITH r, change
OPTIONAL MATCH (r)-[:ASSIGNED_TO]->(recipient:Employee)
OPTIONAL MATCH (customer:Party {id: r.customer_id})
OPTIONAL MATCH (product:Product {id: change.product_id})
RETURN r.stage AS stage, recipient.id AS recipient_id,
  EXISTS {
    MATCH (recipient)-[post:WORKS_AT]->(:Branch)-[:PART_OF*0..10]->(:Branch)
          <-[head_post:WORKS_AT]-(head:Employee {id: change.actor_id})
    WHERE 'BRANCH_HEAD' IN head.roles
      AND (post.until IS NULL OR post.until >= date())
      AND (head_post.until IS NULL OR head_post.until >= date())
      AND (head_post.since IS NULL OR head_post.since <= date())
  } AS heads_recipient,
  head(COLLECT { MATCH (done:Referral)-[:HAS_EVENT]->(:ReferralEvent {idem_key: change.idem_key})
                 RETURN done.id }) AS replay_of,
  // include: referral_map(r)
  AS referral,
  product IS NOT NULL AS product_found, product.type AS product_line,
  EXISTS {
    MATCH (customer)-[holding:HOLDS]->(product)
    WHERE
      // include: current(holding)
  } AS held,
  COLLECT {
    MATCH (policy:CreditPolicy {product_line: product.type})
    RETURN
      // include: credit_policy_map(policy)
    ORDER BY policy.version
  } AS policies
