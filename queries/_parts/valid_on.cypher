// Whether relationship r held on $as_of: `since` absent or on or before it, `until` absent or on
// or after it (docs/model.md, "Periods").
// args: r
// params: $as_of
(({{r}}.since IS NULL OR {{r}}.since <= $as_of) AND ({{r}}.until IS NULL OR {{r}}.until >= $as_of))
