// How many corporate-personal and corporate ties party p has, of any type and date: read from
// the degree store, so a party with thousands costs no more than one with three.
// args: p
// params: none
COUNT { ({{p}})-[:OWNS|EXECUTIVE_OF|LEGAL_REP_OF|EMPLOYED_BY|FAMILY_OF|GUARANTEES]-() }
