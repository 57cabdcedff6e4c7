// Publishes the next version of a product line's credit policy. (product_line, version) is
// unique (graph/schema.py): of two concurrent publications, one fails and is reported.
// params: $row
// returns: policy
OPTIONAL MATCH (earlier:CreditPolicy {product_line: $row.product_line})
WITH coalesce(max(earlier.version), 0) + 1 AS version
CREATE (p:CreditPolicy)
SET p = $row, p.version = version, p.id = $row.product_line + ':' + toString(version),
    p.published_at = datetime($row.published_at), p.effective_from = date($row.effective_from)
RETURN p {.*, published_at: toString(p.published_at),
          effective_from: toString(p.effective_from)} AS policy
