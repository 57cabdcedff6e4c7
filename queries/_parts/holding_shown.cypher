// Whether the caller is shown position h of holder p: current unless $include_ended asks for
// ended ones too, and p in the caller's scope. What "holders" means in every list and aggregate.
// args: p, h
// params: $include_ended, $today, $scope
($include_ended OR
  // include: current({{h}})
)
AND
// include: in_scope({{p}})
