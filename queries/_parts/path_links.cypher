// The ties of path p in order, each as graph/records.py's LinkRecord reads it from the side of
// the party before it on the path (`outgoing`: stored from that party to the next).
// args: p
// params: $today
COLLECT {
  UNWIND range(0, length({{p}}) - 1) AS step
  WITH relationships({{p}})[step] AS tie, nodes({{p}})[step] AS near, nodes({{p}})[step + 1] AS far
  RETURN tie {.*, since: toString(tie.since), until: toString(tie.until), party_id: near.id,
              other_id: far.id, type: type(tie), outgoing: startNode(tie) = near,
              current:
                // include: current(tie)
             }
}
