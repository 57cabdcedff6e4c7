// Whether branch {{b}} is the root of the whole bank: under no branch, and the only branch so.
// args: b
// params: none
(NOT EXISTS { ({{b}})-[:PART_OF]->(:Branch) }
 AND COUNT { MATCH (top:Branch) WHERE NOT EXISTS { (top)-[:PART_OF]->(:Branch) } } = 1)
