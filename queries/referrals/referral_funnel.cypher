// Referrals created on days from $from to $to whose referrer's or recipient's branch is branch
// $branch_id or one under it, counted by route and stage, with the days from creation to the win
// of each won. Read from each branch's own referrals (two indexes), so a small branch reads only
// its own; `top` says the branch is under no other: if it is the root of the whole bank,
// referral_funnel_whole_bank.cypher reads its funnel faster (and checks that it is). No row: no
// such branch.
// params: $branch_id, $from, $to
// returns: top, groups
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
  // include: funnel_groups(r)
}
RETURN NOT EXISTS { (root)-[:PART_OF]->(:Branch) } AS top, groups
