// A page of each product's holders (产品持有人), largest first, within the caller's scope.
// params: $keys, $scope
// returns: product_id, offset, first, total, total_amount, holders
UNWIND $keys AS key
MATCH (prod:Product {id: key.id})
CALL (prod, key) {
  OPTIONAL MATCH (p:Party)-[h:HOLDS]->(prod)
  WHERE
    // include: in_scope(p)
  WITH p, h ORDER BY h.amount DESC, p.id
  // Sort and count every holder, but build maps only for the page asked for.
  WITH collect(CASE WHEN h IS NULL THEN null ELSE {p: p, h: h} END) AS rows
  CALL (prod, key, rows) {
    UNWIND rows[key.offset..(key.offset + key.first)] AS x
    WITH x.p AS p, x.h AS h
    RETURN collect({
      holding: {holder_id: p.id, product_id: prod.id, amount: h.amount,
                since: toString(h.since), until: toString(h.until)},
      party:
        // include: party_map(p)
    }) AS holders
  }
  RETURN size(rows) AS total, reduce(s = 0.0, x IN rows | s + x.h.amount) AS total_amount, holders
}
RETURN key.id AS product_id, key.offset AS offset, key.first AS first, total, total_amount,
  holders
