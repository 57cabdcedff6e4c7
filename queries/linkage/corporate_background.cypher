// A person's corporate background (公私联动): their ties to companies on $as_of (owner,
// executive, legal representative, employee) and every company their shareholdings reach within
// $max_depth hops, each company with whether the caller may see it, its primary manager and the
// product types it holds. Effective shares are worked out from graph/ownership.py's stakes.
// params: $id, $as_of, $max_depth, $scope
// returns: ties, companies
MATCH (person:Person {id: $id})
WITH person, COLLECT {
  MATCH (person)-[tie:OWNS|EXECUTIVE_OF|LEGAL_REP_OF|EMPLOYED_BY]->(tied:Company)
  WHERE
    // include: valid_on(tie)
  RETURN {company_id: tied.id,
    // include: tie_fields(tie)
  }
} AS ties
WITH ties, COLLECT {
  MATCH (person)-[tie:OWNS|EXECUTIVE_OF|LEGAL_REP_OF|EMPLOYED_BY]->(company:Company)
  WHERE
    // include: valid_on(tie)
  RETURN company
  UNION
  MATCH chain = (person)-[:OWNS*1..6]->(company:Company)
  WHERE length(chain) <= $max_depth AND all(stake IN relationships(chain) WHERE
    // include: valid_on(stake)
  )
  RETURN company
} AS companies
RETURN ties, [company IN companies | {
  party:
    // include: party_map(company)
  ,
  visible:
    // include: in_scope(company)
  ,
  manager_id:
    // include: primary_manager(company)
  ,
  held:
    // include: held_types(company)
}] AS companies
