// What an exposure search found, grouped by the party x it reached by `path`s: the wanted
// parties with their hop count and shortest paths (how many, and at most $max_walked of them),
// and the parties with more than $cap ties met before hop $max_hops, which were not crossed.
// args: x, path
// params: $want, $as_of, $cap, $max_hops, $max_walked, $today
WITH {{x}}, length({{path}}) AS hops, collect({{path}}) AS paths
WITH {{x}}, hops, paths,
  ($want = 'LISTED' AND
    // include: listed_on({{x}})
  ) OR ($want = 'CUSTOMER' AND {{x}}:Customer) AS wanted,
  // include: tie_count({{x}})
  AS ties
RETURN
  collect(CASE WHEN wanted THEN {
    party_id: {{x}}.id, hops: hops, path_count: size(paths),
    paths: [found_path IN paths[..$max_walked] |
      // include: path_links(found_path)
    ],
    entries: [({{x}})-[:LISTED]->(entry:ListEntry {list: 'PROHIBITION'})
              WHERE
                // include: entry_active_on(entry)
              | entry {.*, party_id: {{x}}.id}]
  } END) AS found,
  collect(CASE WHEN ties > $cap AND hops < $max_hops THEN
    {party_id: {{x}}.id, hops: hops, ties: ties} END) AS cuts
