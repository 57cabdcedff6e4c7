// The head of a ledger (its last sequence number and hash), write-locked until the transaction
// ends, so that appends to one ledger are serialised and each entry chains onto the last.
// params: $ledger, $genesis
// returns: seq, hash
MERGE (head:LedgerHead {ledger: $ledger})
ON CREATE SET head.seq = 0, head.hash = $genesis
SET head.locked = true
RETURN head.seq AS seq, head.hash AS hash
