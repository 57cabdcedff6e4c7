// A page of a ledger's entries, newest first, filtered by time ($from inclusive, $to exclusive),
// actor and subject (each null for any).
// params: $ledger, $from, $to, $actor, $subject, $offset, $limit
// returns: entry
MATCH (e:LedgerEntry {ledger: $ledger})
WHERE ($from IS NULL OR e.at >= datetime($from)) AND ($to IS NULL OR e.at < datetime($to))
  AND ($actor IS NULL OR e.actor = $actor) AND ($subject IS NULL OR e.subject = $subject)
RETURN e {.*, at: toString(e.at)} AS entry
ORDER BY e.seq DESC
SKIP $offset LIMIT $limit
