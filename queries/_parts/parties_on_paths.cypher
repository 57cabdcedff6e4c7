// Every party on the paths of `found` (exposure_found) but their start, as party_map gives it.
// args: found
// params: none
CALL ({{found}}) {
  UNWIND {{found}} AS reached
  UNWIND reached.paths AS links
  UNWIND links AS link
  WITH DISTINCT link.other_id AS party_id
  MATCH (on_path:Party {id: party_id})
  RETURN collect(
    // include: party_map(on_path)
  ) AS parties
}
