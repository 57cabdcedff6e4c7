// The filters of a customer list (CustomerFilter in graph/parties.py) and the caller's scope,
// as one predicate on customer c. A product's holders are those holding it today.
// args: c
// params: $scope, $segment, $branch_ids, $manager_id, $tag_id, $product_id, $party_type, $today
($segment IS NULL OR {{c}}.segment = $segment)
AND ($party_type IS NULL
     OR ($party_type = 'PERSON' AND {{c}}:Person) OR ($party_type = 'COMPANY' AND {{c}}:Company))
AND
// include: in_scope({{c}})
AND ($branch_ids IS NULL
     OR EXISTS { ({{c}})-[:HOME_BRANCH]->(filter_home:Branch) WHERE filter_home.id IN $branch_ids })
AND ($manager_id IS NULL OR EXISTS { (:Employee {id: $manager_id})-[:MANAGES]->({{c}}) })
AND ($tag_id IS NULL OR EXISTS { ({{c}})-[:TAGGED]->(:Tag {id: $tag_id}) })
AND ($product_id IS NULL
     OR EXISTS { ({{c}})-[filter_holding:HOLDS]->(:Product {id: $product_id}) WHERE
                 // include: current(filter_holding)
               })
