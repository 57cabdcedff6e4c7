// Referrals created on days from $from to $to whose referrer's or recipient's branch is one of
// $branch_ids, counted by route and stage, with the days from creation to the win of each won.
// Read from the branches' own referrals (two indexes), so a small branch reads only its own.
// params: $branch_ids, $from, $to
// returns: route, stage, n, days_to_win
UNWIND $branch_ids AS branch_id
CALL (branch_id) {
  MATCH (r:Referral {institution_id: branch_id})
  RETURN r
  UNION
  MATCH (r:Referral {referrer_branch_id: branch_id})
  RETURN r
}
WITH DISTINCT r
WHERE r.created_on >= $from AND r.created_on <= $to
RETURN r.route AS route, r.stage AS stage, count(*) AS n,
       collect(CASE WHEN r.won_on IS NOT NULL
                    THEN duration.inDays(r.created_on, r.won_on).days END) AS days_to_win
