// Whether party p is on a prohibition list (禁止名单) now: a PROHIBITION entry not delisted.
// args: p
// params: none
EXISTS { ({{p}})-[:LISTED]->(party_listing:ListEntry {list: 'PROHIBITION'})
         WHERE party_listing.delisted_on IS NULL }
