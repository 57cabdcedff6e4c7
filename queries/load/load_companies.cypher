// Upserts companies by id; financial institutions also carry :FinancialInstitution.
// Money is stored as integer fen in `*_fen` properties (graph/money.py); the rows carry fen. The
// REMOVE drops the float property an older relgraph stored in its place.
// name_sort_key is the name's pinyin sort key (loaders/names.py).
// params: $rows
// returns: nothing
UNWIND $rows AS row
MERGE (c:Company {id: row.id})
SET c:Party, c.name = row.name, c.name_sort_key = row.name_sort_key,
    c.credit_code = row.credit_code, c.industry = row.industry, c.region = row.region,
    c.size = row.size, c.registered_capital_fen = row.registered_capital, c.founded = row.founded,
    c.institution_type = row.institution_type, c.address = row.address, c.phone = row.phone
REMOVE c.registered_capital
FOREACH (_ IN CASE WHEN row.institution_type IS NULL THEN [] ELSE [1] END |
  SET c:FinancialInstitution)
FOREACH (_ IN CASE WHEN row.institution_type IS NULL THEN [1] ELSE [] END |
  REMOVE c:FinancialInstitution)
