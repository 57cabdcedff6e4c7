// Changes an opportunity's status from $from to $to, if it still is $from (a concurrent change
// makes this a no-op the caller reports), recording who, when and why; a status that is no
// longer open gives up the open key; $product_id links the product that converted it.
// params: $id, $from, $to, $open_statuses, $actor_id, $actor_kind, $reason, $now, $product_id
// returns: id
MATCH (o:Opportunity {id: $id})
WHERE o.status = $from
SET o.status = $to, o.status_changed_at = $now,
    o.open_key = CASE WHEN $to IN $open_statuses THEN o.open_key END
CREATE (o)-[:HAS_CHANGE]->(:OpportunityChange {at: $now, from: $from, to: $to,
                                               actor_id: $actor_id, actor_kind: $actor_kind,
                                               reason: $reason})
WITH o
CALL (o) {
  MATCH (product:Product {id: $product_id})
  CREATE (o)-[:CONVERTED_TO]->(product)
}
RETURN o.id AS id
