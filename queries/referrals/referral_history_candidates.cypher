// Customers with a product they hold now, a home branch and (maybe) a primary manager, up to
// $limit, in id order: whom the referral history (graph/referral_history.py) is about.
// scope-free: a bulk read for writing synthetic history, not an answer to a caller.
// params: $limit, $today
// returns: id, segment, party_type, branch_id, manager_id, product_id, product_type
MATCH (c:Customer)-[:HOME_BRANCH]->(home:Branch)
WITH c, home ORDER BY c.id LIMIT $limit
MATCH (c)-[holding:HOLDS]->(product:Product)
WHERE
  // include: current(holding)
WITH c, home, min(product.id) AS product_id
MATCH (product:Product {id: product_id})
RETURN c.id AS id, c.segment AS segment, c.party_type AS party_type, home.id AS branch_id,
  // include: primary_manager(c)
  AS manager_id, product_id, product.type AS product_type
