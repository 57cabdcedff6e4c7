// The persons tied to company c on $today (owners, executives, legal representative, employees)
// whom the caller may see: each with its ties, whether it is our customer and the product types
// it holds.
// args: c
// params: $today, $scope
COLLECT {
  MATCH (staff_member:Person)-[staff_tie:OWNS|EXECUTIVE_OF|LEGAL_REP_OF|EMPLOYED_BY]->({{c}})
  WHERE
    // include: current(staff_tie)
    AND
    // include: in_scope(staff_member)
  WITH staff_member, collect(staff_tie) AS staff_ties
  RETURN {
    person: staff_member,
    ties: [t IN staff_ties | {
      // include: tie_fields(t)
    }],
    customer: staff_member:Customer,
    held:
      // include: held_types(staff_member)
  }
}
