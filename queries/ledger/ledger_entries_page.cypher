// A page of a ledger's entries, newest first, before entry $before (null: from the newest),
// filtered by time ($from inclusive, $to exclusive), actor and subject (each null for any).
// params: $ledger, $before, $from, $to, $actor, $subject, $limit
// returns: entry
MATCH (e:LedgerEntry {ledger: $ledger})
WHERE ($before IS NULL OR e.seq < $before)
  AND ($from IS NULL OR e.at >= datetime($from)) AND ($to IS NULL OR e.at < datetime($to))
  AND ($actor IS NULL OR e.actor = $actor) AND ($subject IS NULL OR e.subject = $subject)
RETURN e {.*, at: toString(e.at)} AS entry
ORDER BY e.seq DESC
LIMIT $limit
