// Writes one generation's per-branch, per-peer-group holder counts (branch '*' is the bank,
// group '*' every peer group).
// params: $rows, $generation
// returns: nothing
UNWIND $rows AS row
CREATE (:HoldingCounts {generation: $generation, branch: row.branch, group: row.group,
                        customers: row.customers, product_ids: row.product_ids,
                        holders: row.holders})
