// Recomputes each customer's assets (sum of current holdings) after a load, in batches.
// params: none
// returns: nothing
MATCH (c:Customer)
CALL (c) {
  OPTIONAL MATCH (c)-[h:HOLDS]->(:Product)
  WHERE (h.until IS NULL OR h.until >= date()) AND (h.since IS NULL OR h.since <= date())
  WITH c, toFloat(coalesce(sum(h.amount), 0)) AS assets
  SET c.assets = assets
} IN TRANSACTIONS OF 5000 ROWS
