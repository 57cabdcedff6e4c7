// The credit-ledger entries crediting employee $employee_id on days from $from to $to, in ledger
// order, with their total in hundredths.
// params: $employee_id, $from, $to
// returns: entries, total_fen
MATCH (entry:LedgerEntry)-[credit:CREDITS]->(:Employee {id: $employee_id})
WHERE ($from IS NULL OR credit.on >= $from) AND ($to IS NULL OR credit.on <= $to)
WITH entry, credit ORDER BY entry.seq
RETURN collect(entry {.*, at: toString(entry.at)}) AS entries,
       coalesce(sum(credit.amount_fen), 0) AS total_fen
