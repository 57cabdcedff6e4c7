// A page of customers (by id, after $after) with their business as of $as_of, for the
// segmentation rules: holdings now and new in the window, fees billed in the window and what was
// paid of them, instruments underwritten in the window, linked parties who are customers, and
// the values computed last time.
// scope-free: the segmentation job reads every customer; no API caller sees its rows.
// params: $after, $limit, $as_of, $window_start
// returns: id, name, party_type, size, registered_capital_fen, institution_type, holdings, fees_paid_fen, fees_billed, underwritten, linked_customers, segment, value_tier, need_type
MATCH (c:Customer)
WHERE c.id > $after
WITH c ORDER BY c.id LIMIT $limit
RETURN c.id AS id, c.name AS name,
       CASE WHEN c:Person THEN 'PERSON' ELSE 'COMPANY' END AS party_type,
       c.size AS size, c.registered_capital_fen AS registered_capital_fen,
       c.institution_type AS institution_type,
       // [type, amount, started in the window, held on $as_of] per holding begun by $as_of
       [(c)-[h:HOLDS]->(p:Product) WHERE h.since IS NULL OR h.since <= $as_of
        | [p.type, h.amount_fen, h.since IS NOT NULL AND h.since > $window_start,
           h.until IS NULL OR h.until >= $as_of]] AS holdings,
       [(c)-[:BILLED]->(f:Fee) WHERE f.billed_on > $window_start AND f.billed_on <= $as_of
        | coalesce(f.paid_fen, 0)] AS fees_paid_fen,
       COUNT { (c)-[:BILLED]->(f:Fee) WHERE f.billed_on > $window_start AND f.billed_on <= $as_of }
         AS fees_billed,
       // [share as text (read as an exact decimal), issue size in fen] per instrument underwritten
       [(c)-[u:UNDERWROTE]->(p:Product) WHERE p.issue_date > $window_start AND p.issue_date <= $as_of
        | [coalesce(toString(u.share), '0'), coalesce(p.issue_size_fen, 0)]] AS underwritten,
       COUNT {
         MATCH (c)-[r:OWNS|EXECUTIVE_OF|LEGAL_REP_OF|EMPLOYED_BY|FAMILY_OF|GUARANTEES]-(o:Customer)
         WHERE o <> c AND (r.since IS NULL OR r.since <= $as_of)
           AND (r.until IS NULL OR r.until >= $as_of)
         RETURN DISTINCT o
       } AS linked_customers,
       c.computed_segment AS segment, c.computed_value_tier AS value_tier,
       c.computed_need_type AS need_type
