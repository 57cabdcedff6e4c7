// Recomputes each customer's assets (sum of current holdings) after a load, in batches.
// scope-free: ingest of the bank's own files, run by the loader, never for an API caller.
// params: none
// returns: nothing
MATCH (c:Customer)
CALL (c) {
  OPTIONAL MATCH (c)-[h:HOLDS]->(:Product)
  WHERE (h.until IS NULL OR h.until >= date()) AND (h.since IS NULL OR h.since <= date())
  WITH c, toFloat(coalesce(sum(h.amount), 0)) AS assets
  SET c.assets = assets
} IN TRANSACTIONS OF 5000 ROWS
