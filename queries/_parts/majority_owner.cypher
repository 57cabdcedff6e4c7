// Whether person c owns more than $owner_min_share of a company on $today (企业主).
// args: c
// params: $today, $owner_min_share
EXISTS {
  MATCH ({{c}})-[owned:OWNS]->(:Company)
  WHERE owned.share > $owner_min_share AND
    // include: current(owned)
}
