// Whether a relationship with a period (since, until: HOLDS, OWNS, EMPLOYED_BY, …) holds on
// $today: since absent or on or before it, until absent or on or after it.
// args: r
// params: $today
(({{r}}.since IS NULL OR {{r}}.since <= $today) AND ({{r}}.until IS NULL OR {{r}}.until >= $today))
