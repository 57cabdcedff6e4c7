// Begins writing the synthetic referral history, or finds it begun: the day it is written for
// ($today when begun now) and whether it was completed. A bank holding history from before this
// mark existed counts as completed.
// params: $today
// returns: day, complete
WITH EXISTS { MATCH (:Referral {history: true}) } AS found
MERGE (h:ReferralHistory)
ON CREATE SET h.day = $today, h.complete = found
RETURN h.day AS day, h.complete AS complete
