// A referral as graph/referrals.py's ReferralRecord reads it: with its participants, events
// (oldest first) and credit entries (in ledger order), dates and times as ISO text.
// args: r
// params: none
{{r}} {.*, created_at: toString({{r}}.created_at), created_on: toString({{r}}.created_on),
  stage_changed_at: toString({{r}}.stage_changed_at), won_on: toString({{r}}.won_on),
  locked_at: null, idem_key: null,
  participants: COLLECT { MATCH (e:Employee)-[p:PARTICIPATES]->({{r}})
                          RETURN {employee_id: e.id, role: p.role,
                                  since: toString(p.since)} AS participant
                          ORDER BY p.since, e.id },
  events: COLLECT { MATCH ({{r}})-[:HAS_EVENT]->(ev:ReferralEvent)
                    RETURN ev {.*, at: toString(ev.at), idem_key: null} AS event
                    ORDER BY ev.at },
  credit: COLLECT { MATCH (entry:LedgerEntry)-[:FOR_REFERRAL]->({{r}})
                    RETURN entry {.*, at: toString(entry.at)} AS entry
                    ORDER BY entry.seq }
}
