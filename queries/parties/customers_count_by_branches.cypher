// How many customers in the caller's scope match the filters, counted from the customers of
// their home branches ($anchor: the filter's, the scope's or the branches in both, each once).
// The MATCH is the filter's branch condition: the caller passes $branch_ids null rather than
// have each customer's ties walked again. The scope is checked all the same.
// params: $anchor, $scope, $segment, $branch_ids, $manager_id, $tag_id, $product_id, $party_type, $today
// returns: total
UNWIND $anchor AS home_branch_id
MATCH (:Branch {id: home_branch_id})<-[:HOME_BRANCH]-(c:Customer)
WHERE
  // include: customer_filter(c)
RETURN count(c) AS total
