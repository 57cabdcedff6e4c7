// A page of each product's holders (产品持有人), largest position first, with how many holders
// there are and how much they hold: the positions the caller is shown (holding_shown).
// Never a sort of every holder (50,000 on the largest products). A first pass counts and sums
// them and takes a floor: percentileDisc at (n - $top) / n is, by its rounding, at or below the
// $top-th largest amount. A second pass keeps the positions at or above the floor and takes the
// page as a top-N by amount, then holder id (read only for those). A list of every holder must
// not reach that top-N: Neo4j counts it once per row the top-N keeps (1.1 GB for one page).
// LIMIT takes no value from the row: $top is the end of the deepest page of the batch, and each
// key slices its page from that top.
// params: $keys, $top, $include_ended, $today, $scope
// returns: product_id, offset, first, total, total_amount, holders
UNWIND $keys AS key
MATCH (prod:Product {id: key.id})
CALL (prod) {
  MATCH (p:Party)-[h:HOLDS]->(prod)
  WHERE
    // include: holding_shown(p, h)
  WITH count(h) AS total, coalesce(sum(h.amount), 0.0) AS total_amount,
    collect(h.amount) AS amounts
  UNWIND CASE amounts WHEN [] THEN [null] ELSE amounts END AS amount
  RETURN total, total_amount,
    percentileDisc(amount, CASE WHEN total > $top THEN toFloat(total - $top) / total ELSE 0.0 END)
      AS floor
}
CALL (prod, key, floor) {
  MATCH (p:Party)-[h:HOLDS]->(prod)
  WHERE h.amount >= floor AND
    // include: holding_shown(p, h)
  WITH p, h ORDER BY h.amount DESC, p.id LIMIT $top
  WITH collect({p: p, h: h}) AS top
  UNWIND top[key.offset..(key.offset + key.first)] AS position
  WITH position.p AS p, position.h AS h
  RETURN collect({
    holding: {holder_id: p.id, product_id: key.id, amount: h.amount,
              since: toString(h.since), until: toString(h.until),
              current:
                // include: current(h)
             },
    party:
      // include: party_map(p)
  }) AS holders
}
RETURN key.id AS product_id, key.offset AS offset, key.first AS first, total, total_amount,
  holders
