// How many referrals the synthetic history wrote.
// params: none
// returns: n
MATCH (r:Referral {history: true})
RETURN count(r) AS n
