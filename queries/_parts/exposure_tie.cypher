// One step of an exposure search from s: a tie of $types, either way round, that holds on
// $as_of, leaving a party with at most $cap ties (a party with more is reached but not crossed;
// the start is always left). 'CONTROL' in $types follows a stake whose share or voting share is
// over $control_share (a controlling stake), whatever 'OWNS' says.
// args: a, r, b, s
// params: $types, $as_of, $cap, $control_share
({{a}})-[{{r}}:OWNS|EXECUTIVE_OF|LEGAL_REP_OF|EMPLOYED_BY|FAMILY_OF|GUARANTEES]-({{b}})
WHERE (type({{r}}) IN $types OR ('CONTROL' IN $types AND type({{r}}) = 'OWNS'
    AND (coalesce({{r}}.share, 0.0) > $control_share
      OR coalesce({{r}}.voting_share, 0.0) > $control_share)))
  AND
  // include: valid_on({{r}})
  AND ({{a}} = {{s}} OR
    // include: tie_count({{a}})
    <= $cap)
