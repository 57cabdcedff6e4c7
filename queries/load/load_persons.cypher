// Upserts persons (customers or not) by id; every person is also a :Party. name_sort_key is the
// name's pinyin sort key (loaders/names.py), which the customers list reads in order.
// params: $rows
// returns: nothing
UNWIND $rows AS row
MERGE (p:Person {id: row.id})
SET p:Party, p.name = row.name, p.name_sort_key = row.name_sort_key, p.gender = row.gender,
    p.birth_date = row.birth_date, p.national_id = row.national_id, p.phone = row.phone,
    p.address = row.address, p.region = row.region, p.occupation = row.occupation
