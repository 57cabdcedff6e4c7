// The ids, of $ids, of referrals that have credit entries already.
// params: $ids
// returns: id
UNWIND $ids AS id
MATCH (r:Referral {id: id})
WHERE EXISTS { MATCH (:LedgerEntry)-[:FOR_REFERRAL]->(r) }
RETURN r.id AS id
