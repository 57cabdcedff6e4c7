// Appends entries to a ledger and moves its head to the last one. Entries are never updated or
// deleted by relgraph: a correction is a new entry.
// params: $ledger, $entries, $seq, $hash
// returns: appended
MATCH (head:LedgerHead {ledger: $ledger})
UNWIND $entries AS entry
CREATE (e:LedgerEntry)
SET e = entry, e.ledger = $ledger, e.at = datetime(entry.at)
WITH head, count(e) AS appended
SET head.seq = $seq, head.hash = $hash, head.locked = false
RETURN appended
