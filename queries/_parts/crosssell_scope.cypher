// The branches whose cross-sell statistics make up a caller's scope: ['*'] (the bank's totals)
// when $scope is null or holds every branch that has customers, else the scope's branches.
// args: s
// params: $scope
CASE WHEN $scope IS NULL OR all(stats_branch IN {{s}}.branches WHERE stats_branch IN $scope)
     THEN ['*'] ELSE $scope END
