// Whether relationship r holds on $today: begun (`since` absent or not after today) and not ended
// (`until` absent or not before today). docs/model.md's "current".
// args: r
// params: $today
(({{r}}.since IS NULL OR {{r}}.since <= $today) AND ({{r}}.until IS NULL OR {{r}}.until >= $today))
