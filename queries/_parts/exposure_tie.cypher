// One step of an exposure search from s: a tie of $types, either way round, that holds on
// $as_of, leaving a party with at most $cap ties (a party with more is reached but not crossed;
// the start is always left).
// args: a, r, b, s
// params: $types, $as_of, $cap
({{a}})-[{{r}}:OWNS|EXECUTIVE_OF|LEGAL_REP_OF|EMPLOYED_BY|FAMILY_OF|GUARANTEES]-({{b}})
WHERE type({{r}}) IN $types
  AND
  // include: valid_on({{r}})
  AND ({{a}} = {{s}} OR
    // include: tie_count({{a}})
    <= $cap)
