// Acknowledges alert $id with a note; an alert acknowledged already is left as it was, and
// `was_open` says which.
// params: $id, $note, $actor, $at
// returns: alert, was_open
MATCH (a:ExposureAlert {id: $id})
WITH a, a.status = 'OPEN' AS was_open
CALL (a, was_open) {
  WITH a WHERE was_open
  SET a.status = 'ACKNOWLEDGED', a.note = $note, a.acknowledged_by = $actor,
      a.acknowledged_at = datetime($at)
}
RETURN a {.*, raised_at: toString(a.raised_at), acknowledged_at: toString(a.acknowledged_at)}
  AS alert, was_open
