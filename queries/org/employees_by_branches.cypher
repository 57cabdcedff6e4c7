// The employees working at each branch now, by name, bounded per branch.
// params: $ids, $limit
// returns: branch_id, total, employees
UNWIND $ids AS id
MATCH (b:Branch {id: id})
CALL (b) {
  OPTIONAL MATCH (e:Employee)-[w:WORKS_AT]->(b)
  WHERE w.until IS NULL OR w.until >= date()
  WITH e, w ORDER BY e.name, e.id
  RETURN collect(CASE WHEN e IS NULL THEN null ELSE
    e {.*, branch_id: b.id, position: w.position} END) AS employees
}
RETURN b.id AS branch_id, size(employees) AS total, employees[..$limit] AS employees
