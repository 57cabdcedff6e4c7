// Referrals by id with their participants, events (oldest first) and credit entries (in ledger
// order), dates and times as ISO text.
// params: $ids
// returns: referral
UNWIND $ids AS id
MATCH (r:Referral {id: id})
RETURN
  // include: referral_map(r)
  AS referral
