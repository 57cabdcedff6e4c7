// Marks the synthetic referral history complete: later runs write nothing.
// params: none
// returns: complete
MATCH (h:ReferralHistory)
SET h.complete = true
RETURN h.complete AS complete
