// Credit earned on days from $from to $to by the employees working now at branches $branch_ids,
// summed per employee ($by_branch false) or per branch they work at ($by_branch true), highest
// first, the first $first.
// params: $branch_ids, $from, $to, $by_branch, $first
// returns: key, total_fen, entries
MATCH (branch:Branch)<-[post:WORKS_AT]-(employee:Employee)
WHERE branch.id IN $branch_ids AND post.until IS NULL
MATCH (:LedgerEntry)-[credit:CREDITS]->(employee)
WHERE credit.on >= $from AND credit.on <= $to
WITH CASE WHEN $by_branch THEN branch.id ELSE employee.id END AS key,
     sum(credit.amount_fen) AS total_fen, count(credit) AS entries
RETURN key, total_fen, entries
ORDER BY total_fen DESC, key
LIMIT $first
