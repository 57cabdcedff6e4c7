// A page of each holder's current and past holdings, largest first, with the products inline.
// params: $keys
// returns: holder_id, total, holdings
UNWIND $keys AS key
MATCH (holder:Party {id: key.id})
CALL (holder, key) {
  OPTIONAL MATCH (holder)-[h:HOLDS]->(p:Product)
  WITH h, p ORDER BY h.amount DESC, p.id
  WITH collect(CASE WHEN h IS NULL THEN null ELSE
    {holder_id: holder.id, product_id: p.id, amount: h.amount, since: h.since, until: h.until,
     product: p {.*}} END) AS items
  RETURN size(items) AS total, items[key.offset..(key.offset + key.first)] AS holdings
}
RETURN key.id AS holder_id, total, holdings
