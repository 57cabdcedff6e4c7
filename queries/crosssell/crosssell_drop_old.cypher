// Deletes the statistics of every generation but $generation, in batches.
// params: $generation
// returns: nothing
MATCH (n:HoldingCounts|CoHoldingCounts)
WHERE n.generation <> $generation
CALL (n) {
  DELETE n
} IN TRANSACTIONS OF 5000 ROWS
