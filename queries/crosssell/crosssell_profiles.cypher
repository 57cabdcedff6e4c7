// A page of customers (by id, after $after) as the cross-sell statistics count them: home branch,
// what decides their peer group, and what they hold on $today.
// scope-free: the statistics job reads every customer; answers use per-branch counts, by scope.
// params: $after, $limit, $today, $owner_min_share
// returns: id, branch, party_type, segment, computed_segment, birth_date, size, institution_type, owner, held
MATCH (c:Customer)
WHERE c.id > $after
WITH c ORDER BY c.id LIMIT $limit
RETURN c.id AS id, head([(c)-[:HOME_BRANCH]->(home:Branch) | home.id]) AS branch,
  CASE WHEN c:Person THEN 'PERSON' ELSE 'COMPANY' END AS party_type,
  c.segment AS segment, c.computed_segment AS computed_segment,
  toString(c.birth_date) AS birth_date, c.size AS size, c.institution_type AS institution_type,
  c:Person AND
  // include: majority_owner(c)
  AS owner,
  // include: current_holdings(c)
  AS held
