// Whether list entry e holds on $as_of: listed on or before it and not delisted by then
// (`delisted_on` is the first day the entry no longer holds).
// args: e
// params: $as_of
({{e}}.listed_on <= $as_of AND ({{e}}.delisted_on IS NULL OR {{e}}.delisted_on > $as_of))
