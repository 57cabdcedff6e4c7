// Customers as the recommender reads them: the customer, whether they own a majority of a
// company, what they hold on $today, the path to a party on an active prohibition list within 2
// hops (the nearest, if any), and up to $linked_limit linked parties holding products: their
// companies, owners, executives, legal representatives, staff and family (direct ties first),
// then colleagues at the same employer (with the employer as `via`); and the cross-sell
// statistics' bookkeeping (null before the first refresh), which the answer reports.
// scope-free: the caller's access policy is applied to every party returned (graph/crosssell).
// params: $ids, $today, $owner_min_share, $linked_limit
// returns: customer_id, customer, owner, held, listed_path, linked, stats
OPTIONAL MATCH (s:CrossSellStats {id: 'current'})
WHERE s.generation IS NOT NULL
WITH CASE WHEN s IS NULL THEN null ELSE
  // include: crosssell_stats_map(s)
END AS stats
UNWIND $ids AS id
MATCH (c:Customer {id: id})
CALL (c) {
  OPTIONAL MATCH path = (c)-[:OWNS|EXECUTIVE_OF|LEGAL_REP_OF|EMPLOYED_BY|FAMILY_OF|GUARANTEES*1..2]-(listed:Party)
  WHERE listed <> c
    AND
    // include: prohibited(listed)
    AND all(tie IN relationships(path) WHERE
      // include: current(tie)
    )
  WITH path ORDER BY length(path) LIMIT 1
  RETURN CASE WHEN path IS NULL THEN [] ELSE [step IN nodes(path)[1..] |
    // include: party_map(step)
  ] END AS listed_path
}
CALL (c) {
  CALL (c) {
    MATCH (c)-[tie:OWNS|EXECUTIVE_OF|LEGAL_REP_OF|EMPLOYED_BY|FAMILY_OF]-(other:Party)
    WHERE other <> c AND
      // include: current(tie)
    RETURN other, type(tie) AS type, startNode(tie) = c AS outgoing, null AS via, 0 AS distance
    UNION
    MATCH (c)-[mine:EMPLOYED_BY]->(via:Company)<-[theirs:EMPLOYED_BY]-(other:Person)
    WHERE other <> c AND
      // include: current(mine)
      AND
      // include: current(theirs)
    RETURN other, 'EMPLOYED_BY' AS type, false AS outgoing, via, 1 AS distance
  }
  WITH other, type, outgoing, via, distance,
    // include: current_holdings(other)
    AS holdings
  WHERE size(holdings) > 0
  WITH other, type, outgoing, via, holdings ORDER BY distance, other.id LIMIT $linked_limit
  RETURN collect({
    party:
      // include: party_map(other)
    ,
    via: CASE WHEN via IS NULL THEN null ELSE
      // include: party_map(via)
    END,
    type: type, outgoing: outgoing, holdings: holdings
  }) AS linked
}
RETURN id AS customer_id,
  // include: party_map(c)
  AS customer,
  c:Person AND
  // include: majority_owner(c)
  AS owner,
  // include: current_holdings(c)
  AS held,
  listed_path, linked, stats
