// Upserts customer tags with their category.
// params: $rows
// returns: nothing
UNWIND $rows AS row
MERGE (t:Tag {id: row.id})
SET t.name = row.name, t.category = row.category
