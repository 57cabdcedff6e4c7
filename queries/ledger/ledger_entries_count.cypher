// How many entries ledger_entries_page pages through.
// params: $ledger, $from, $to, $actor, $subject
// returns: total
MATCH (e:LedgerEntry {ledger: $ledger})
WHERE ($from IS NULL OR e.at >= datetime($from)) AND ($to IS NULL OR e.at < datetime($to))
  AND ($actor IS NULL OR e.actor = $actor) AND ($subject IS NULL OR e.subject = $subject)
RETURN count(e) AS total
