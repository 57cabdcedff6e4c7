// Employees by id, with the branch they work at.
// params: $ids
// returns: employee
UNWIND $ids AS id
MATCH (e:Employee {id: id})
RETURN
  // include: employee_map(e)
  AS employee
