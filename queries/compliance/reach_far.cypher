// From each party of $ids, what it reaches within $max_hops hops (at most 6; reach_near is the
// same search to 3, cheaper) over
// ties of $types that hold on $as_of (exposure_tie): the parties $want names, each with its hop
// count, its shortest paths and its entries in force; the parties too connected to cross; the
// start with its list entries, and every party on those paths (graph/exposure.py).
// scope-free: compliance searches cross every party; only compliance and admin may ask, and
// the schema passes every party of an answer through the access policy.
// params: $ids, $types, $as_of, $today, $cap, $control_share, $max_hops, $want, $max_walked
// returns: start_id, start, start_listed, start_entries, found, cuts, parties
UNWIND $ids AS start_id
MATCH (s:Party {id: start_id})
CALL (s) {
  MATCH path = ALL SHORTEST (s)(
    // include: exposure_tie(a, r, b, s)
  ){1,6}(x:Party WHERE
    // include: exposure_target(x)
  )
  WHERE length(path) <= $max_hops
  // include: exposure_found(x, path)
}
// include: parties_on_paths(found)
RETURN start_id,
  // include: party_map(s)
  AS start,
  // include: listed_on(s)
  AS start_listed,
  [(s)-[:LISTED]->(own:ListEntry) | own {.*, party_id: s.id}] AS start_entries,
  found, cuts, parties
