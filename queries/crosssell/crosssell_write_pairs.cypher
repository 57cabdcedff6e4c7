// Writes one generation's per-branch co-holding counts: for a product, how many customers hold
// it and how many of them also hold each other product (branch '*' is the bank).
// params: $rows, $generation
// returns: nothing
UNWIND $rows AS row
CREATE (:CoHoldingCounts {generation: $generation, branch: row.branch, product_id: row.product_id,
                          holders: row.holders, co_product_ids: row.co_product_ids,
                          co_holders: row.co_holders})
