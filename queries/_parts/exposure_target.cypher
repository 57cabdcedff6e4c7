// Where an exposure search stops: a party of the kind $want names (LISTED: on a prohibition
// list on $as_of; CUSTOMER), or one with more than $cap ties (reported as not crossed).
// args: x
// params: $want, $as_of, $cap
($want = 'LISTED' AND
  // include: listed_on({{x}})
) OR ($want = 'CUSTOMER' AND {{x}}:Customer) OR
// include: tie_count({{x}})
> $cap
