// Referrals created on days from $from to $to whose referrer's or recipient's branch is branch
// $branch_id or one under it, counted by route and stage, with the days from creation to the win
// of each won. Read from each branch's own referrals (two indexes), so a small branch reads only
// its own. No row: no such branch.
// params: $branch_id, $from, $to
// returns: groups
MATCH (root:Branch {id: $branch_id})
CALL (root) {
  MATCH (branch:Branch)-[:PART_OF*0..10]->(root)
  CALL (branch) {
    MATCH (r:Referral {institution_id: branch.id})
    RETURN r
    UNION
    MATCH (r:Referral {referrer_branch_id: branch.id})
    RETURN r
  }
  WITH DISTINCT r
  WHERE r.created_on >= $from AND r.created_on <= $to
  WITH r.route AS route, r.stage AS stage, count(*) AS n,
       collect(CASE WHEN r.won_on IS NOT NULL
                    THEN duration.inDays(r.created_on, r.won_on).days END) AS days_to_win
  RETURN collect({route: route, stage: stage, n: n, days_to_win: days_to_win}) AS groups
}
RETURN groups
