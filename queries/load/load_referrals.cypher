// Records referrals (转介) made before relgraph took them over, as they stand: the customer,
// referrer, recipient and the institution it was routed to, and for a win its closer (the
// recipient unless named) and the product and holding it matched. A referral in the graph already
// is left as it is: from then on its stage changes through the API, and a won one has its credit.
// Refused: a win of a product the customer does not hold on the day it was won (or after), or
// with no credit policy for the product's line in force on that day.
// params: $rows
// returns: line, missing, refused
UNWIND $rows AS row
OPTIONAL MATCH (held:Referral {id: row.id})
OPTIONAL MATCH (customer:Party {id: row.customer_id})
OPTIONAL MATCH (referrer:Employee {id: row.referrer_id})
OPTIONAL MATCH (recipient:Employee {id: row.recipient_id})
OPTIONAL MATCH (institution:Branch {id: row.institution_id})
OPTIONAL MATCH (closer:Employee {id: coalesce(row.closer_id, row.recipient_id)})
OPTIONAL MATCH (product:Product {id: row.won_product_id})
WITH row, held, customer, referrer, recipient, closer, product,
  [f IN [CASE WHEN customer IS NULL THEN 'customer_id' END,
         CASE WHEN referrer IS NULL THEN 'referrer_id' END,
         CASE WHEN recipient IS NULL THEN 'recipient_id' END,
         CASE WHEN institution IS NULL THEN 'institution_id' END,
         CASE WHEN row.closer_id IS NOT NULL AND closer IS NULL THEN 'closer_id' END,
         CASE WHEN row.won_product_id IS NOT NULL AND product IS NULL THEN 'won_product_id' END]
   WHERE f IS NOT NULL] AS missing,
  date(datetime({datetime: row.stage_changed_at, timezone: 'UTC'})) AS changed_on
WITH *,
  CASE
    WHEN held IS NOT NULL OR size(missing) > 0 OR product IS NULL THEN null
    WHEN NOT EXISTS {
      MATCH (customer)-[holding:HOLDS]->(product) WHERE holding.until IS NULL OR holding.until >= changed_on
    } THEN 'the customer does not hold this product on the day it was won or after'
    WHEN NOT EXISTS {
      MATCH (policy:CreditPolicy {product_line: product.type}) WHERE policy.effective_from <= changed_on
    } THEN 'no credit policy for ' + product.type + ' is in force on ' + toString(changed_on) +
           ' (credit_policies.csv, or publishCreditPolicy)'
  END AS refusal
CALL (row, held, missing, refusal, customer, referrer, recipient, closer, product, changed_on) {
  WITH * WHERE held IS NULL AND size(missing) = 0 AND refusal IS NULL
  WITH *, date(datetime({datetime: row.created_at, timezone: 'UTC'})) AS created_on
  CREATE (r:Referral)
  SET r.id = row.id, r.customer_id = row.customer_id, r.referrer_id = row.referrer_id,
      r.referrer_branch_id = head(COLLECT {
        MATCH (referrer)-[post:WORKS_AT]->(branch:Branch)
        WHERE (post.since IS NULL OR post.since <= created_on)
          AND (post.until IS NULL OR post.until >= created_on)
        RETURN branch.id ORDER BY post.since DESC
      }),
      r.recipient_id = row.recipient_id, r.institution_id = row.institution_id,
      r.stage = row.stage, r.route = row.route, r.product_line = row.product_line,
      r.product_ids = row.product_ids, r.need = row.need, r.note = row.note,
      r.push_rule = row.push_rule, r.push_rules_version = row.push_rules_version,
      r.created_at = row.created_at, r.created_on = created_on,
      r.stage_changed_at = row.stage_changed_at, r.stage_changed_on = changed_on,
      r.loaded = true, r.idem_key = 'id|' + row.id
  CREATE (r)-[:FOR]->(customer)
  CREATE (referrer)-[:PARTICIPATES {role: 'REFERRER', since: r.created_at}]->(r)
  CREATE (r)-[:ASSIGNED_TO]->(recipient)
  WITH r, row, closer, product, changed_on
  WHERE product IS NOT NULL
  CREATE (closer)-[:PARTICIPATES {role: 'CLOSER', since: r.stage_changed_at}]->(r)
  CREATE (r)-[:WON_WITH]->(product)
  SET r.won_product_id = product.id, r.won_product_line = product.type,
      r.won_amount_fen = row.won_amount, r.won_on = changed_on, r.holding_id = row.holding_id
}
WITH row, missing, refusal
WHERE size(missing) > 0 OR refusal IS NOT NULL
RETURN row.line AS line, missing,
       CASE WHEN refusal IS NOT NULL THEN {field: 'won_product_id', reason: refusal} END AS refused
