// A page of each product's holders (产品持有人), largest position first, with how many holders
// there are and how much they hold: the positions the caller is shown (holding_shown). A product
// none of whose positions is shown comes back without a row.
// One pass reads the positions (50,000 on the largest products) without sorting them: it counts,
// sums and keeps them, and takes a floor, percentileDisc at (n - $top) / n, which its rounding
// puts at or below the $top-th largest amount. Only the positions at or above the floor go on to
// a top-N by amount, then holder id (read for those alone).
// Neo4j charges a top-N, for each row it keeps, every list that row still holds: fed straight
// from the list of every position, one page of the largest product was charged 1.1 GB. Grouping
// the candidates (count(*) AS copies, always 1) ends the rows that held that list.
// LIMIT takes no value from the row: $top is the end of the deepest page of the batch, and each
// key slices its page from that top.
// params: $keys, $top, $include_ended, $today, $scope
// returns: product_id, offset, first, total, total_amount_fen, holders
UNWIND $keys AS key
MATCH (prod:Product {id: key.id})
CALL (prod, key) {
  MATCH (p:Party)-[h:HOLDS]->(prod)
  WHERE
    // include: holding_shown(p, h)
  WITH count(h) AS total, coalesce(sum(h.amount_fen), 0) AS total_amount_fen,
    collect({amount: h.amount_fen, p: p, h: h}) AS shown
  CALL (shown, total) {
    UNWIND shown AS position
    RETURN percentileDisc(position.amount,
      CASE WHEN total > $top THEN toFloat(total - $top) / total ELSE 0.0 END) AS floor
  }
  UNWIND [position IN shown WHERE position.amount >= floor] AS position
  WITH total, total_amount_fen, position.p AS p, position.h AS h, position.amount AS amount,
    count(*) AS copies
  WITH total, total_amount_fen, p, h ORDER BY amount DESC, p.id LIMIT $top
  WITH total, total_amount_fen, collect({p: p, h: h}) AS top
  CALL (top, key) {
    UNWIND top[key.offset..(key.offset + key.first)] AS position
    WITH position.p AS p, position.h AS h
    RETURN collect({
      holding: {holder_id: p.id, product_id: key.id, amount_fen: h.amount_fen,
                since: toString(h.since), until: toString(h.until),
                current:
                  // include: current(h)
               },
      party:
        // include: party_map(p)
    }) AS holders
  }
  RETURN total, total_amount_fen, holders
}
RETURN key.id AS product_id, key.offset AS offset, key.first AS first, total, total_amount_fen,
  holders
