// Upserts bank employees by id.
// params: $rows
// returns: nothing
UNWIND $rows AS row
MERGE (e:Employee {id: row.id})
SET e.name = row.name, e.roles = row.roles, e.hired = row.hired, e.phone = row.phone,
    e.email = row.email
