// The id of customer c's primary manager on $today (the latest appointed), or null.
// args: c
// params: $today
head(COLLECT { MATCH (primary_manager:Employee)-[managing:MANAGES {role: 'PRIMARY'}]->({{c}})
               WHERE
                 // include: current(managing)
               RETURN primary_manager.id ORDER BY managing.since DESC })
