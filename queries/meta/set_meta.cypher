// Stores relgraph's own bookkeeping value under a key.
// params: $key, $value
// returns: nothing
MERGE (m:RelgraphMeta {key: $key})
SET m.value = $value, m.updated_at = datetime()
