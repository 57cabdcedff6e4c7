// The cross-sell statistics' bookkeeping node as graph/crosssell reads it.
// args: s
// params: none
{{s}} {.generation, .version, .customers, computed_at: toString({{s}}.computed_at),
       stale_since: toString({{s}}.stale_since)}
