// Branches by id, with their parent.
// params: $ids
// returns: branch
UNWIND $ids AS id
MATCH (b:Branch {id: id})
RETURN b {.*, parent_id: head([(b)-[:PART_OF]->(parent:Branch) | parent.id])} AS branch
