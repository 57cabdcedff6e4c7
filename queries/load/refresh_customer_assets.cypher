// Recomputes each customer's assets_fen (sum of current holdings, integer fen) after a load, in batches.
// Money is stored as integer fen in `*_fen` properties (graph/money.py); the rows carry fen. The
// REMOVE drops the float property an older relgraph stored in its place.
// scope-free: ingest of the bank's own files, run by the loader, never for an API caller.
// params: none
// returns: nothing
MATCH (c:Customer)
CALL (c) {
  OPTIONAL MATCH (c)-[h:HOLDS]->(:Product)
  WHERE (h.until IS NULL OR h.until >= date()) AND (h.since IS NULL OR h.since <= date())
  WITH c, coalesce(sum(h.amount_fen), 0) AS assets_fen
  SET c.assets_fen = assets_fen
  REMOVE c.assets
} IN TRANSACTIONS OF 5000 ROWS
