// Person-to-company linkage (公私联动): the personal customers of branches $branch_ids (every
// branch when null) whom the caller may see, each with every company they own, run or legally
// represent on $today (and the caller may see): the ties, both parties, their primary managers,
// the company's product types, and whether the person owns a company that owns companies (their
// effective shares then come from their corporate background).
// params: $branch_ids, $today, $scope
// returns: person, person_manager, chains, company, company_manager, company_held, ties
MATCH (home:Branch) WHERE $branch_ids IS NULL OR home.id IN $branch_ids
MATCH (person:Person:Customer)-[:HOME_BRANCH]->(home)
WHERE
  // include: in_scope(person)
MATCH (person)-[tie:OWNS|EXECUTIVE_OF|LEGAL_REP_OF]->(company:Company)
WHERE
  // include: current(tie)
  AND
  // include: in_scope(company)
WITH person, company, collect({
  // include: tie_fields(tie)
}) AS ties
RETURN
  // include: party_map(person)
  AS person,
  // include: primary_manager(person)
  AS person_manager,
  EXISTS { (person)-[:OWNS]->(:Company)-[:OWNS]->(:Company) } AS chains,
  // include: party_map(company)
  AS company,
  // include: primary_manager(company)
  AS company_manager,
  // include: held_types(company)
  AS company_held,
  ties
