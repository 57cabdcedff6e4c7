// Expires opportunities, as the system: those in $due_statuses whose expiry date is before
// $today, and, when $origin is given, those in $gone_statuses of that origin and source PASSIVE
// that the run $run_id did not find again. Each gets status EXPIRED, gives up its open key and
// records the change with $reason_due or $reason_gone.
// params: $due_statuses, $gone_statuses, $today, $origin, $run_id, $now, $reason_due, $reason_gone
// returns: kind, grade, n
MATCH (o:Opportunity)
WHERE (o.status IN $due_statuses AND o.expires_on < $today)
   OR ($origin IS NOT NULL AND o.status IN $gone_statuses AND o.origin = $origin
       AND o.source = 'PASSIVE' AND o.run_id <> $run_id)
WITH o, o.status AS was,
     CASE WHEN o.status IN $due_statuses AND o.expires_on < $today THEN $reason_due
          ELSE $reason_gone END AS why
SET o.status = 'EXPIRED', o.status_changed_at = $now
REMOVE o.open_key
CREATE (o)-[:HAS_CHANGE]->(:OpportunityChange {at: $now, from: was, to: 'EXPIRED',
                                               actor_kind: 'SYSTEM', reason: why})
RETURN o.kind AS kind, o.grade AS grade, count(*) AS n
