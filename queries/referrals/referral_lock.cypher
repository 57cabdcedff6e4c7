// Write-locks a referral until the transaction ends, so that what is read next is the latest
// committed state and concurrent changes to one referral run one after the other.
// params: $id, $now
// returns: id
MATCH (r:Referral {id: $id})
SET r.locked_at = $now
RETURN r.id AS id
