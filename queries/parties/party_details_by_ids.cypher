// Everything shown about each party, in one round trip: its profile, home branch,
// managers, holdings page, fees by product, risk warnings, tags, recent interactions, interest per
// topic, ties, issued and underwritten products. A part whose parameter is null (or false) is
// skipped and comes back empty. Managers are the current ones; holdings and ties too, unless
// $holdings_include_ended or $links_include_ended asks for every one. Dates and datetimes go out as ISO text (toString): the driver's
// temporal decoding was a fifth of the API's CPU on a 360; graph/records.py parses them back.
// scope-free: the caller passes the profile through the access policy before showing any of it,
// and filters the linked parties with it.
// params: $ids, $today, $with_branch, $with_managers, $holdings_offset, $holdings_first, $holdings_include_ended, $fee_items, $warnings, $with_tags, $interactions, $with_interests, $links, $link_types, $links_full, $links_include_ended, $issued, $underwritten
// returns: party_id, party, branch, managers, holdings_total, holdings, fees, warnings, tags, interactions, interests, links_total, links, issued, underwritings
UNWIND $ids AS id
MATCH (party:Party {id: id})
CALL (party) {
  OPTIONAL MATCH (party)-[:HOME_BRANCH]->(b:Branch)
  WHERE $with_branch
  RETURN head(collect(
    // include: branch_map(b)
  )) AS branch
}
CALL (party) {
  OPTIONAL MATCH (e:Employee)-[m:MANAGES]->(party)
  WHERE $with_managers AND
    // include: current(m)
  WITH e, m ORDER BY CASE m.role WHEN 'PRIMARY' THEN 0 ELSE 1 END, e.id
  RETURN collect(CASE WHEN e IS NULL THEN null ELSE {
    employee:
      // include: employee_map(e)
    ,
    role: m.role, since: toString(m.since)} END) AS managers
}
CALL (party) {
  OPTIONAL MATCH (party)-[h:HOLDS]->(p:Product)
  WHERE $holdings_first IS NOT NULL AND ($holdings_include_ended OR
    // include: current(h)
  )
  WITH h, p ORDER BY h.amount_fen DESC, p.id
  // Sort and count them all, but build maps only for the page asked for.
  WITH collect(CASE WHEN h IS NULL THEN null ELSE {h: h, p: p} END) AS rows
  CALL (party, rows) {
    UNWIND rows[coalesce($holdings_offset, 0)..(coalesce($holdings_offset, 0) + coalesce($holdings_first, 0))] AS x
    WITH x.h AS h, x.p AS p
    RETURN collect({holder_id: party.id, product_id: p.id, amount_fen: h.amount_fen,
                    since: toString(h.since), until: toString(h.until),
                    current:
                      // include: current(h)
                    ,
                    product:
                      // include: product_map(p)
                   }) AS holdings
  }
  RETURN size(rows) AS holdings_total, holdings
}
CALL (party) {
  OPTIONAL MATCH (party)-[:BILLED]->(f:Fee)-[:FOR_PRODUCT]->(p:Product)
  WHERE $fee_items IS NOT NULL
  WITH p, f ORDER BY f.due_on DESC, f.id
  WITH p, collect(f) AS items
  WITH p, items,
    reduce(s = 0, x IN items | s + CASE WHEN x.owed_fen > 0 AND x.due_on < $today
                                        THEN x.owed_fen ELSE 0 END) AS overdue_fen
  ORDER BY overdue_fen DESC, p.id
  RETURN collect(CASE WHEN p IS NULL THEN null ELSE {
    product:
      // include: product_map(p)
    ,
    billed_fen: reduce(s = 0, x IN items | s + x.billed_fen),
    paid_fen: reduce(s = 0, x IN items | s + x.paid_fen),
    owed_fen: reduce(s = 0, x IN items | s + x.owed_fen),
    overdue_fen: overdue_fen,
    overdue_count: size([x IN items WHERE x.owed_fen > 0 AND x.due_on < $today]),
    fees: [x IN items[..$fee_items] | x {.*, billed_on: toString(x.billed_on),
      due_on: toString(x.due_on), paid_on: toString(x.paid_on), party_id: party.id,
      product_id: p.id}]
  } END) AS fees
}
CALL (party) {
  OPTIONAL MATCH (party)-[:HAS_WARNING]->(w:RiskWarning)
  WHERE $warnings IS NOT NULL
  WITH w ORDER BY w.resolved_on IS NULL DESC, w.raised_on DESC, w.id
  WITH collect(w {.*, raised_on: toString(w.raised_on), resolved_on: toString(w.resolved_on),
                   party_id: party.id}) AS all_warnings
  RETURN all_warnings[..coalesce($warnings, 0)] AS warnings
}
CALL (party) {
  OPTIONAL MATCH (party)-[r:TAGGED]->(t:Tag)
  WHERE $with_tags
  WITH r, t ORDER BY t.category, t.name
  RETURN collect(CASE WHEN t IS NULL THEN null ELSE t {.*, score: r.score} END) AS tags
}
CALL (party) {
  OPTIONAL MATCH (party)-[:INTERACTED]->(i:Interaction)
  WHERE $interactions IS NOT NULL
  WITH i ORDER BY i.at DESC, i.id
  WITH collect(i) AS events
  RETURN [i IN events[..coalesce($interactions, 0)] | i {.*, at: toString(i.at), party_id: party.id,
    employee_id: head([(pusher:Employee)-[:PUSHED]->(i) | pusher.id])}] AS interactions
}
CALL (party) {
  OPTIONAL MATCH (party)-[:INTERACTED]->(i:Interaction)
  WHERE $with_interests
  WITH i.topic AS topic,
    count(CASE WHEN i.kind = 'BROWSE' THEN 1 END) AS browse,
    count(CASE WHEN i.kind = 'COMMENT' THEN 1 END) AS comment,
    count(CASE WHEN i.kind = 'SHARE' THEN 1 END) AS share
  ORDER BY share * 3 + comment * 2 + browse DESC, topic
  RETURN collect(CASE WHEN topic IS NULL THEN null ELSE
    {topic: topic, browse: browse, comment: comment, share: share} END) AS interests
}
CALL (party) {
  OPTIONAL MATCH (party)-[r:OWNS|EXECUTIVE_OF|LEGAL_REP_OF|EMPLOYED_BY|FAMILY_OF|GUARANTEES]-(other:Party)
  WHERE $links IS NOT NULL AND ($link_types IS NULL OR type(r) IN $link_types)
    AND ($links_include_ended OR
      // include: current(r)
    )
  WITH r, other ORDER BY type(r), coalesce(r.share, 0.0) DESC, other.id
  WITH collect(CASE WHEN r IS NULL THEN null ELSE {r: r, other: other} END) AS rows
  CALL (party, rows) {
    UNWIND rows[..coalesce($links, 0)] AS x
    WITH x.r AS r, x.other AS other
    RETURN collect({
      link: r {.*, since: toString(r.since), until: toString(r.until), party_id: party.id,
               other_id: other.id, type: type(r), outgoing: startNode(r) = party,
               current:
                 // include: current(r)
              },
      other:
        // include: party_summary(other)
      ,
      // The rest of the linked party only when the selection asks for more than the summary
      // above: a 360 lists dozens of links, mostly by name, and this was half of what it sent.
      other_rest: CASE WHEN $links_full THEN other {.*, since: toString(other.since),
        birth_date: toString(other.birth_date), founded: toString(other.founded),
        computed_segment_on: toString(other.computed_segment_on)} END
    }) AS links
  }
  RETURN size(rows) AS links_total, links
}
CALL (party) {
  OPTIONAL MATCH (party)-[:ISSUED]->(p:Product)
  WHERE $issued IS NOT NULL
  WITH p ORDER BY p.issue_date DESC, p.id
  WITH collect(
    // include: product_map(p)
  ) AS products
  RETURN products[..coalesce($issued, 0)] AS issued
}
CALL (party) {
  OPTIONAL MATCH (party)-[u:UNDERWROTE]->(p:Product)
  WHERE $underwritten IS NOT NULL
  WITH u, p ORDER BY p.issue_date DESC, p.id
  WITH collect(CASE WHEN u IS NULL THEN null ELSE
    {underwriter_id: party.id, product_id: p.id, role: u.role, share: u.share,
     product:
       // include: product_map(p)
    } END) AS rows
  RETURN rows[..coalesce($underwritten, 0)] AS underwritings
}
// The profile too, so that a customer's full picture is one statement.
RETURN party.id AS party_id,
  // include: party_map(party)
  AS party, branch, managers, holdings_total, holdings, fees, warnings, tags, interactions,
  interests, links_total, links, issued, underwritings
