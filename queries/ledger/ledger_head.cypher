// A ledger's head: its last sequence number and hash (zero and the genesis hash when empty).
// params: $ledger
// returns: seq, hash
OPTIONAL MATCH (head:LedgerHead {ledger: $ledger})
RETURN coalesce(head.seq, 0) AS seq, head.hash AS hash
