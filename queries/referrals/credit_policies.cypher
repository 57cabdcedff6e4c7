// Every version of the credit policies of product line $line (every line when null), oldest
// first.
// params: $line
// returns: policy
MATCH (p:CreditPolicy)
WHERE $line IS NULL OR p.product_line = $line
RETURN
  // include: credit_policy_map(p)
  AS policy
ORDER BY p.product_line, p.version
