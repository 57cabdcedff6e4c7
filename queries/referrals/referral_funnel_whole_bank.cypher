// referral_funnel.cypher's counts for the root of the whole bank, whose subtree is every branch:
// every referral created on days from $from to $to, read by the created_on index instead of
// branch by branch, in less than half the time. `whole_bank` false: branch
// $branch_id is not that root (any more), and `groups` is empty. No row: no such branch.
// params: $branch_id, $from, $to
// returns: whole_bank, groups
MATCH (root:Branch {id: $branch_id})
WITH
  // include: whole_bank_root(root)
  AS whole_bank
CALL (whole_bank) {
  WITH whole_bank WHERE whole_bank
  MATCH (r:Referral)
  WHERE r.created_on >= $from AND r.created_on <= $to
  // include: funnel_groups(r)
}
RETURN whole_bank, groups
