// Reads relgraph's own bookkeeping value stored under a key (for example the demo bank marker).
// params: $key
// returns: value
MATCH (m:RelgraphMeta {key: $key})
RETURN m.value AS value
