// Credit earned on days from $from to $to by the employees working now at branch $branch_id or
// a branch under it, summed per employee ($by_branch false) or per branch they work at
// ($by_branch true), highest first, the first $first, each with the employee's or the branch's
// record (so that naming them reads nothing more). No row: no such branch.
// params: $branch_id, $from, $to, $by_branch, $first
// returns: places
MATCH (root:Branch {id: $branch_id})
CALL (root) {
  MATCH (branch:Branch)-[:PART_OF*0..10]->(root)
  MATCH (branch)<-[post:WORKS_AT]-(employee:Employee)
  WHERE post.until IS NULL
  WITH branch, employee,
       [(employee)<-[credit:CREDITS]-() WHERE credit.on >= $from AND credit.on <= $to
        | credit.amount_fen] AS amounts
  WHERE amounts <> []
  WITH CASE WHEN $by_branch THEN branch ELSE employee END AS holder,
       sum(reduce(total = 0, amount IN amounts | total + amount)) AS total_fen,
       sum(size(amounts)) AS entries
  ORDER BY total_fen DESC, holder.id
  LIMIT $first
  RETURN collect({
    key: holder.id, total_fen: total_fen, entries: entries,
    employee: CASE WHEN $by_branch THEN null ELSE
      // include: employee_map(holder)
    END,
    branch: CASE WHEN $by_branch THEN
      // include: branch_map(holder)
    ELSE null END
  }) AS places
}
RETURN places
