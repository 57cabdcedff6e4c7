// Links credit-ledger entries to the referral they credit and the employee credited, with the
// amount (in hundredths) and day on the link, so that sums by employee and period read an index
// rather than every entry's text. The entries themselves stay as the ledger wrote them.
// params: $rows
// returns: linked
UNWIND $rows AS row
MATCH (entry:LedgerEntry {id: row.entry_id})
MATCH (r:Referral {id: row.referral_id})
MATCH (employee:Employee {id: row.employee_id})
CREATE (entry)-[:FOR_REFERRAL]->(r)
CREATE (entry)-[:CREDITS {amount_fen: row.amount_fen, on: row.on, role: row.role}]->(employee)
RETURN count(*) AS linked
