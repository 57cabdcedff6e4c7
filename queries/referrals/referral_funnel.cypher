// Referrals created on days from $from to $to whose referrer's or recipient's branch is branch
// $branch_id or one under it, counted by route and stage, with the days from creation to the win
// of each won. Read from each branch's own referrals (two indexes), so a small branch reads only
// its own; `whole_bank` says the branch is the root of the whole bank, whose funnel
// referral_funnel_whole_bank.cypher reads faster. No row: no such branch.
// params: $branch_id, $from, $to
// returns: whole_bank, groups
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
RETURN
  // include: whole_bank_root(root)
  AS whole_bank, groups
