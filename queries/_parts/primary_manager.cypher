// The id of customer c's primary manager on $as_of (the latest appointed), or null.
// args: c
// params: $as_of
head(COLLECT { MATCH (primary_manager:Employee)-[managing:MANAGES {role: 'PRIMARY'}]->({{c}})
               WHERE
                 // include: valid_on(managing)
               RETURN primary_manager.id ORDER BY managing.since DESC })
