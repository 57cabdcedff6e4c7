// A page of each product's holders (产品持有人), largest position first, with how many holders
// there are and how much they hold: the positions the caller is shown (holding_shown).
// One pass over the holders (50,000 on the largest products) counts, sums and keeps each amount;
// the page is then a top-N of those in memory, not a sort of them all. Holder ids break ties of
// amount, so they are read only for the positions at or above the $top-th largest amount. LIMIT
// takes no value from the row: $top is the end of the deepest page of the batch, and each key
// slices its page from that top.
// params: $keys, $top, $include_ended, $today, $scope
// returns: product_id, offset, first, total, total_amount, holders
UNWIND $keys AS key
MATCH (prod:Product {id: key.id})
CALL (prod, key) {
  MATCH (p:Party)-[h:HOLDS]->(prod)
  WHERE
    // include: holding_shown(p, h)
  WITH count(h) AS total, coalesce(sum(h.amount), 0.0) AS total_amount,
    collect({amount: h.amount, p: p, h: h}) AS shown
  CALL (shown, key) {
    UNWIND shown AS position
    WITH position.amount AS amount ORDER BY amount DESC LIMIT $top
    WITH min(amount) AS floor
    UNWIND [position IN shown WHERE position.amount >= floor] AS position
    WITH position.p AS p, position.h AS h ORDER BY position.amount DESC, position.p.id LIMIT $top
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
  RETURN total, total_amount, holders
}
RETURN key.id AS product_id, key.offset AS offset, key.first AS first, total, total_amount,
  holders
