// Upserts persons (customers or not) by id; every person is also a :Party.
// params: $rows
// returns: nothing
UNWIND $rows AS row
MERGE (p:Person {id: row.id})
SET p:Party, p.name = row.name, p.gender = row.gender, p.birth_date = row.birth_date,
    p.national_id = row.national_id, p.phone = row.phone, p.address = row.address,
    p.region = row.region, p.occupation = row.occupation
