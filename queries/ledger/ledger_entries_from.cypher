// A ledger's entries in sequence order from a sequence number on, a batch at a time (verify).
// params: $ledger, $from_seq, $limit
// returns: entry
MATCH (e:LedgerEntry {ledger: $ledger})
WHERE e.seq >= $from_seq
RETURN e {.*, at: toString(e.at)} AS entry
ORDER BY e.seq
LIMIT $limit
