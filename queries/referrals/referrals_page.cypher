// A page of referrals newest first and how many there are, among those the caller may see: all
// when $all, else those they take part in or, with $branches, whose referrer's or recipient's
// branch is one of them; filtered by taking part ($mine), a branch subtree ($branch_ids), stage
// and the days created ($from, $to).
// params: $all, $employee_id, $branches, $mine, $branch_ids, $stage, $from, $to, $offset, $first
// returns: ids, total
MATCH (r:Referral)
WHERE ($from IS NULL OR r.created_on >= $from) AND ($to IS NULL OR r.created_on <= $to)
  AND ($stage IS NULL OR r.stage = $stage)
  AND ($branch_ids IS NULL OR r.referrer_branch_id IN $branch_ids
       OR r.institution_id IN $branch_ids)
WITH r, EXISTS { (:Employee {id: $employee_id})-[:PARTICIPATES]->(r) }
        OR r.recipient_id = $employee_id AS takes_part
WHERE ($all OR takes_part
       OR ($branches IS NOT NULL AND (r.referrer_branch_id IN $branches
                                      OR r.institution_id IN $branches)))
  AND (NOT $mine OR takes_part)
WITH r ORDER BY r.created_at DESC, r.id
WITH collect(r.id) AS all_ids
RETURN all_ids[$offset..$offset + $first] AS ids, size(all_ids) AS total
