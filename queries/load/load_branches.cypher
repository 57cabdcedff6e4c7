// Upserts branches and specialised centres by id.
// params: $rows
// returns: nothing
UNWIND $rows AS row
MERGE (b:Branch {id: row.id})
SET b.name = row.name, b.kind = row.kind, b.region = row.region, b.city = row.city
