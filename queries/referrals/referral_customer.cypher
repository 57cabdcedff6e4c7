// The party a referral is for, with its primary manager on $today: what push rules route by.
// scope-free: one party by id; the caller passes the record through the access policy.
// params: $id, $today
// returns: party, manager_id
MATCH (c:Party {id: $id})
RETURN
  // include: party_map(c)
  AS party,
  // include: primary_manager(c)
  AS manager_id
