// Write-locks up to $limit won referrals loaded from files whose credit is not in the ledger,
// the earliest win first (then by id), and reads each as it stands once locked: the loader
// credits them in the same transaction. The test is made again under the lock, as last
// committed, so two loads at once cannot credit a win twice. A live win's credit is written with
// it, so only loaded wins can lack it.
// params: $limit, $now
// returns: referral
MATCH (r:Referral {stage: 'WON', loaded: true})
WHERE NOT EXISTS { MATCH (:LedgerEntry)-[:FOR_REFERRAL]->(r) }
WITH r ORDER BY r.stage_changed_at, r.id LIMIT $limit
SET r.locked_at = $now
WITH r
WHERE NOT EXISTS { MATCH (:LedgerEntry)-[:FOR_REFERRAL]->(r) }
RETURN
  // include: referral_map(r)
  AS referral
