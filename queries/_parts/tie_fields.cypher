// The facts of a person's tie t to a company that linkage shows, as map entries: its type, the
// share (as text: shares are read as exact decimals), the executive title, the position held and
// whether the employment's pay comes through us.
// args: t
// params: none
type: type({{t}}), share: toString({{t}}.share), title: {{t}}.title, position: {{t}}.position,
payroll_with_us: {{t}}.payroll_with_us
