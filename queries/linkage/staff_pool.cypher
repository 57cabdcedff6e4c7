// A page of a company's staff pool (公私联动): the persons tied to it on $today whom the caller
// may see, filtered, who runs the company first (executives and legal representative, then
// owners, then employees) and by name, with the numbers behind their suggested bundle: how many
// of all of them are our customers and how many of those hold each of $bundle_types.
// params: $id, $today, $scope, $executives_only, $not_yet_customer, $no_payroll, $offset, $first, $bundle_types
// returns: company_payroll, total, customers, holding, staff
MATCH (company:Company {id: $id})
WITH company, 'PAYROLL_SERVICE' IN
  // include: held_types(company)
  AS company_payroll
WITH company_payroll,
  // include: company_staff(company)
  AS staff
WITH company_payroll, [s IN staff WHERE s.customer] AS customers, [s IN staff WHERE
  (NOT $executives_only OR any(t IN s.ties WHERE t.type = 'EXECUTIVE_OF'))
  AND (NOT $not_yet_customer OR NOT s.customer)
  AND (NOT $no_payroll
       OR NOT (company_payroll OR any(t IN s.ties WHERE t.payroll_with_us)))] AS chosen
CALL (chosen) {
  UNWIND chosen AS s
  WITH s, CASE WHEN any(t IN s.ties WHERE t.type IN ['EXECUTIVE_OF', 'LEGAL_REP_OF']) THEN 0
               WHEN any(t IN s.ties WHERE t.type = 'OWNS') THEN 1 ELSE 2 END AS rank
  ORDER BY rank, s.person.name_sort_key, s.person.id
  RETURN collect(s) AS ordered
}
CALL (ordered) {
  UNWIND ordered[$offset..($offset + $first)] AS s
  WITH s, s.person AS member
  RETURN collect({ties: s.ties, customer: s.customer, held: s.held,
    party:
      // include: party_map(member)
  }) AS page
}
RETURN company_payroll, size(chosen) AS total, size(customers) AS customers,
  [bundle_type IN $bundle_types | size([s IN customers WHERE bundle_type IN s.held])] AS holding,
  page AS staff
