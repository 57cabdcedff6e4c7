// Corporate backgrounds (公私联动) of the persons $ids: each person's ties to companies on $today
// (owner, executive, legal representative, employee) and every company their shareholdings reach
// within $max_depth hops, each company with whether the caller may see it, its primary manager,
// the product types it holds and its own stakes in companies on $today (graph/ownership.py works
// effective shares out of the person's and these stakes).
// params: $ids, $today, $max_depth, $scope
// returns: person_id, ties, companies
UNWIND $ids AS id
MATCH (person:Person {id: id})
WITH person, COLLECT {
  MATCH (person)-[tie:OWNS|EXECUTIVE_OF|LEGAL_REP_OF|EMPLOYED_BY]->(tied:Company)
  WHERE
    // include: current(tie)
  RETURN {company_id: tied.id,
    // include: tie_fields(tie)
  }
} AS ties
WITH person, ties, COLLECT {
  MATCH (person)-[tie:OWNS|EXECUTIVE_OF|LEGAL_REP_OF|EMPLOYED_BY]->(company:Company)
  WHERE
    // include: current(tie)
  RETURN company
  UNION
  MATCH chain = (person)-[:OWNS*1..6]->(company:Company)
  WHERE length(chain) <= $max_depth AND all(stake IN relationships(chain) WHERE
    // include: current(stake)
  )
  RETURN company
} AS companies
RETURN person.id AS person_id, ties, [company IN companies | {
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
  ,
  stakes: COLLECT {
    MATCH (company)-[stake:OWNS]->(owned:Company)
    WHERE
      // include: current(stake)
    RETURN {company_id: owned.id, share: toString(stake.share)}
  }
}] AS companies
