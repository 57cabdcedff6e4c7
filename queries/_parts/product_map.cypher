// A product as graph/records.py's ProductRecord reads it, dates as ISO text.
// args: p
// params: none
{{p}} {.*, issue_date: toString({{p}}.issue_date), maturity_date: toString({{p}}.maturity_date)}
