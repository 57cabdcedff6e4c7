// Expires the referrals in stages $stages whose stage last changed (or which were created) before
// $before, recording the event by the system.
// params: $stages, $before, $now, $note
// returns: expired
MATCH (r:Referral)
WHERE r.stage IN $stages AND coalesce(r.stage_changed_on, r.created_on) < $before
CREATE (r)-[:HAS_EVENT]->(:ReferralEvent {at: $now, action: 'EXPIRE', from: r.stage,
                                          to: 'EXPIRED', actor_kind: 'SYSTEM', note: $note})
SET r.stage = 'EXPIRED', r.stage_changed_at = $now, r.stage_changed_on = date($now)
RETURN count(r) AS expired
