// A party's summary (id, name, region and the derived fields): what a list of linked parties
// shows unless the selection asks for more.
// args: p
// params: none
{{p}} {.id, .name, .region,
  // include: party_derived({{p}})
}
