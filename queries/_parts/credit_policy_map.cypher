// A credit policy version as graph/referrals.py's policy_of reads it, dates and times as ISO text.
// args: p
// params: none
{{p}} {.*, published_at: toString({{p}}.published_at), effective_from: toString({{p}}.effective_from)}
