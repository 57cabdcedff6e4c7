// Branches by id, with their parent.
// params: $ids
// returns: branch
UNWIND $ids AS id
MATCH (b:Branch {id: id})
RETURN
  // include: branch_map(b)
  AS branch
