// Stores the name sort keys the loader computed for parties that had none.
// params: $rows
// returns: nothing
UNWIND $rows AS row
MATCH (p:Party {id: row.id})
SET p.name_sort_key = row.name_sort_key
