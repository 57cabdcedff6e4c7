// Upserts companies by id; financial institutions also carry :FinancialInstitution.
// name_sort_key is the name's pinyin sort key (loaders/names.py).
// params: $rows
// returns: nothing
UNWIND $rows AS row
MERGE (c:Company {id: row.id})
SET c:Party, c.name = row.name, c.name_sort_key = row.name_sort_key,
    c.credit_code = row.credit_code, c.industry = row.industry, c.region = row.region,
    c.size = row.size, c.registered_capital = row.registered_capital, c.founded = row.founded,
    c.institution_type = row.institution_type, c.address = row.address, c.phone = row.phone
FOREACH (_ IN CASE WHEN row.institution_type IS NULL THEN [] ELSE [1] END |
  SET c:FinancialInstitution)
FOREACH (_ IN CASE WHEN row.institution_type IS NULL THEN [1] ELSE [] END |
  REMOVE c:FinancialInstitution)
