// Each party's service fees (服务费) grouped by product, newest first, with the products inline.
// params: $ids, $today, $per_product
// returns: party_id, product, billed, paid, owed, overdue, overdue_count, fees
UNWIND $ids AS id
MATCH (party:Party {id: id})-[:BILLED]->(f:Fee)-[:FOR_PRODUCT]->(p:Product)
WITH party, p, f ORDER BY f.due_on DESC, f.id
WITH party, p, collect(f) AS fees
RETURN party.id AS party_id, p {.*} AS product,
  reduce(s = 0.0, x IN fees | s + x.billed) AS billed,
  reduce(s = 0.0, x IN fees | s + x.paid) AS paid,
  reduce(s = 0.0, x IN fees | s + x.owed) AS owed,
  reduce(s = 0.0, x IN fees | s + CASE WHEN x.owed > 0 AND x.due_on < $today THEN x.owed ELSE 0.0 END)
    AS overdue,
  size([x IN fees WHERE x.owed > 0 AND x.due_on < $today]) AS overdue_count,
  [x IN fees[..$per_product] | x {.*, party_id: party.id, product_id: p.id}] AS fees
ORDER BY party_id, overdue DESC, owed DESC, p.id
