// Recomputes each customer's assets (sum of current holdings) after a load, in batches.
// params: none
// returns: nothing
MATCH (c:Customer)
CALL (c) {
  OPTIONAL MATCH (c)-[h:HOLDS]->(:Product)
  WHERE h.until IS NULL OR h.until >= date()
  WITH c, coalesce(sum(h.amount), 0.0) AS assets
  SET c.assets = assets
} IN TRANSACTIONS OF 5000 ROWS
