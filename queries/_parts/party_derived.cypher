// The fields every returned party carries beside its own properties: its kind, whether it is a
// customer, its home branch and whether it is on an active prohibition list (禁止名单). Map
// entries, for inside a projection such as party_map.
// args: p
// params: none
party_type: CASE WHEN {{p}}:Person THEN 'PERSON' ELSE 'COMPANY' END,
is_customer: {{p}}:Customer,
home_branch_id: head([({{p}})-[:HOME_BRANCH]->(party_home:Branch) | party_home.id]),
listed:
  // include: prohibited({{p}})
