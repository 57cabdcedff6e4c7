// Upserts products by id.
// params: $rows
// returns: nothing
UNWIND $rows AS row
MERGE (p:Product {id: row.id})
SET p.name = row.name, p.type = row.type, p.risk_rating = row.risk_rating, p.status = row.status,
    p.currency = row.currency, p.issue_date = row.issue_date, p.maturity_date = row.maturity_date,
    p.issue_size = row.issue_size, p.coupon_rate = row.coupon_rate
