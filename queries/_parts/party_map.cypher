// A party as graph/records.py's PartyRecord reads it: every property, the derived fields, and
// dates as ISO text (the driver's temporal decoding costs ~20 µs a value; records parse text).
// args: p
// params: none
{{p}} {.*, since: toString({{p}}.since), birth_date: toString({{p}}.birth_date),
  founded: toString({{p}}.founded), computed_segment_on: toString({{p}}.computed_segment_on),
  // include: party_derived({{p}})
}
