// Whether the caller may see party p: every party when $scope is null (compliance, admin),
// otherwise non-customers and the customers whose home branch is in $scope. The same rule as
// schema/core/access.py's AccessPolicy, for statements that filter in the database.
// args: p
// params: $scope
($scope IS NULL OR NOT {{p}}:Customer
 OR EXISTS { ({{p}})-[:HOME_BRANCH]->(scope_home:Branch) WHERE scope_home.id IN $scope })
