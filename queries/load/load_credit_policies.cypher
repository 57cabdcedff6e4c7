// Adds versions of the credit policies (业绩分成) published before relgraph, or by another system.
// A version in the graph is never changed, since credit was split by it: the same row again
// changes nothing, and a row that differs from the version held is refused.
// params: $rows
// returns: line, missing, refused
UNWIND $rows AS row
OPTIONAL MATCH (held:CreditPolicy {product_line: row.product_line, version: row.version})
CALL (row, held) {
  WITH row, held WHERE held IS NULL
  CREATE (p:CreditPolicy)
  SET p.id = row.product_line + ':' + toString(row.version), p.product_line = row.product_line,
      p.version = row.version, p.effective_from = row.effective_from,
      p.referrer_share = row.referrer_share, p.closer_share = row.closer_share,
      p.supporting_share = row.supporting_share, p.points_rate = row.points_rate,
      p.published_by = 'LOAD', p.published_at = datetime()
}
WITH row, held
WHERE held IS NOT NULL
  AND [held.effective_from, held.referrer_share, held.closer_share, held.supporting_share,
       held.points_rate] <>
      [row.effective_from, row.referrer_share, row.closer_share, row.supporting_share,
       row.points_rate]
RETURN row.line AS line, [] AS missing,
       {field: 'version',
        reason: 'version ' + toString(row.version) + ' of the ' + row.product_line +
                ' policy is already published with other terms: publish the change as a new version'}
       AS refused
