// Upserts products by id.
// Money is stored as integer fen in `*_fen` properties (graph/money.py); the rows carry fen. The
// REMOVE drops the float property an older relgraph stored in its place.
// params: $rows
// returns: nothing
UNWIND $rows AS row
MERGE (p:Product {id: row.id})
SET p.name = row.name, p.type = row.type, p.risk_rating = row.risk_rating, p.status = row.status,
    p.currency = row.currency, p.issue_date = row.issue_date, p.maturity_date = row.maturity_date,
    p.issue_size_fen = row.issue_size, p.coupon_rate = row.coupon_rate
REMOVE p.issue_size
