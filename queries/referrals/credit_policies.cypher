// Every version of the credit policies of product line $line (every line when null), oldest
// first.
// params: $line
// returns: policy
MATCH (p:CreditPolicy)
WHERE $line IS NULL OR p.product_line = $line
RETURN p {.*, published_at: toString(p.published_at),
          effective_from: toString(p.effective_from)} AS policy
ORDER BY p.product_line, p.version
