// Opportunities routed to the branches $branch_ids whose target (and the customer found through)
// the caller may see, counted by grade, by kind and by status.
// params: $branch_ids, $scope
// returns: total, by_grade, by_kind, by_status
MATCH (institution:Branch)<-[:ROUTED_TO]-(o:Opportunity)-[:TARGETS]->(target:Party)
WHERE institution.id IN $branch_ids
  AND
  // include: in_scope(target)
  AND all(via IN [(o)-[:VIA]->(via_party:Party) | via_party] WHERE
    // include: in_scope(via)
  )
WITH collect(o) AS found
RETURN size(found) AS total,
  [grade IN ['A', 'B', 'C'] | {key: grade, n: size([o IN found WHERE o.grade = grade])}] AS by_grade,
  COLLECT { UNWIND found AS o WITH o.kind AS key, count(*) AS n
            RETURN {key: key, n: n} ORDER BY key } AS by_kind,
  COLLECT { UNWIND found AS o WITH o.status AS key, count(*) AS n
            RETURN {key: key, n: n} ORDER BY key } AS by_status
