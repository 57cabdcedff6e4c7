// Whether party p is on a prohibition list (禁止名单) on $as_of.
// args: p
// params: $as_of
EXISTS { ({{p}})-[:LISTED]->(listing:ListEntry {list: 'PROHIBITION'})
         WHERE
           // include: entry_active_on(listing)
       }
