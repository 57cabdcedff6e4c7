// Company-to-staff linkage (公私联动): the corporate customers of branches $branch_ids (every
// branch when null) whom the caller may see, each with its primary manager, the product types it
// holds and its staff (the persons tied to it on $today whom the caller may see), when one of
// them is not yet our customer.
// params: $branch_ids, $today, $scope
// returns: company, company_manager, company_held, staff
MATCH (home:Branch) WHERE $branch_ids IS NULL OR home.id IN $branch_ids
MATCH (company:Company:Customer)-[:HOME_BRANCH]->(home)
WHERE
  // include: in_scope(company)
WITH company,
  // include: company_staff(company)
  AS staff
WHERE any(s IN staff WHERE NOT s.customer)
CALL (staff) {
  UNWIND staff AS s
  WITH s, s.person AS member
  RETURN collect({ties: s.ties, customer: s.customer, held: s.held,
    party:
      // include: party_map(member)
  }) AS members
}
RETURN
  // include: party_map(company)
  AS company,
  // include: primary_manager(company)
  AS company_manager,
  // include: held_types(company)
  AS company_held,
  members AS staff
