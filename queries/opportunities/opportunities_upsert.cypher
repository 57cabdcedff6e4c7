// Writes opportunities (商机), idempotently: a row whose open key (target and product line) no
// active opportunity holds creates one, linked to its target, the customer it was found through,
// its owner and institution; a row whose key an opportunity of the same origin holds refreshes
// that one's score, grade, value, reason and path; a row whose key another origin holds is left.
// The open key is unique (graph/schema.py): never a second open opportunity for one target and
// product, even under concurrent writers.
// params: $rows, $now, $today, $run_id
// returns: outcome, kind, grade, n
UNWIND $rows AS row
MATCH (target:Party {id: row.target_id})
OPTIONAL MATCH (held:Opportunity {open_key: row.open_key})
CALL (row, target, held) {
  WITH row, target, held WHERE held IS NULL
  CREATE (o:Opportunity {
    id: row.id, open_key: row.open_key, kind: row.kind, product: row.product,
    products: row.products, score: row.score, grade: row.grade,
    expected_value_fen: row.expected_value_fen, reason: row.reason, source: row.source,
    origin: row.origin, status: 'OPEN', created_at: $now, created_on: $today,
    expires_on: row.expires_on, run_id: $run_id, push_rule: row.push_rule,
    push_rules_version: row.push_rules_version, created_by: row.created_by,
    path_from: row.path_from, path_to: row.path_to, path_types: row.path_types,
    path_shares: row.path_shares, path_titles: row.path_titles})
  CREATE (o)-[:TARGETS]->(target)
  WITH row, o
  CALL (row, o) {
    MATCH (via:Party {id: row.via_id})
    CREATE (o)-[:VIA]->(via)
  }
  CALL (row, o) {
    MATCH (owner:Employee {id: row.owner_id})
    CREATE (o)-[:OWNED_BY]->(owner)
  }
  CALL (row, o) {
    MATCH (institution:Branch {id: row.institution_id})
    CREATE (o)-[:ROUTED_TO]->(institution)
  }
  RETURN 'created' AS outcome
  UNION
  WITH row, held WHERE held IS NOT NULL AND held.origin = row.origin
  SET held.score = row.score, held.grade = row.grade,
      held.expected_value_fen = row.expected_value_fen, held.reason = row.reason,
      held.products = row.products, held.refreshed_on = $today, held.run_id = $run_id,
      held.path_from = row.path_from, held.path_to = row.path_to,
      held.path_types = row.path_types, held.path_shares = row.path_shares,
      held.path_titles = row.path_titles
  RETURN 'refreshed' AS outcome
  UNION
  WITH row, held WHERE held IS NOT NULL AND held.origin <> row.origin
  RETURN 'kept' AS outcome
}
RETURN outcome, row.kind AS kind, row.grade AS grade, count(*) AS n
