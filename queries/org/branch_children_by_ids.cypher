// The direct sub-branches of each branch.
// params: $ids
// returns: parent_id, branch
UNWIND $ids AS id
MATCH (child:Branch)-[:PART_OF]->(:Branch {id: id})
RETURN id AS parent_id, child {.*, parent_id: id} AS branch
ORDER BY parent_id, child.name, child.id
