// Referrals created on days from $from to $to whose referrer's or recipient's branch is one of
// $branch_ids, counted by route and stage, with the days from creation to the win of each won.
// params: $branch_ids, $from, $to
// returns: route, stage, n, days_to_win
MATCH (r:Referral)
WHERE r.created_on >= $from AND r.created_on <= $to
  AND (r.referrer_branch_id IN $branch_ids OR r.institution_id IN $branch_ids)
RETURN r.route AS route, r.stage AS stage, count(*) AS n,
       collect(CASE WHEN r.won_on IS NOT NULL
                    THEN duration.inDays(r.created_on, r.won_on).days END) AS days_to_win
