// The customer managers assigned to each customer, primary first.
// params: $ids
// returns: customer_id, employee, role, since
UNWIND $ids AS id
MATCH (e:Employee)-[m:MANAGES]->(c:Customer {id: id})
WHERE m.until IS NULL OR m.until >= date()
RETURN c.id AS customer_id,
  e {.*, branch_id: head([(e)-[:WORKS_AT]->(b:Branch) | b.id])} AS employee,
  m.role AS role, m.since AS since
ORDER BY customer_id, CASE m.role WHEN 'PRIMARY' THEN 0 ELSE 1 END, e.id
