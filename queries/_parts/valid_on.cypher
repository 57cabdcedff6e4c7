// Whether relationship r holds on $as_of: begun (`since` absent or not after it) and not ended
// (`until` absent or not before it), docs/model.md's periods.
// args: r
// params: $as_of
(({{r}}.since IS NULL OR {{r}}.since <= $as_of) AND ({{r}}.until IS NULL OR {{r}}.until >= $as_of))
