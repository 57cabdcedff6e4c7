// Persons and companies by id, with customer attributes, home branch and prohibition status.
// scope-free: any party by id; the caller passes each record through the access policy.
// params: $ids
// returns: party
UNWIND $ids AS id
MATCH (p:Party {id: id})
RETURN
  // include: party_map(p)
  AS party
