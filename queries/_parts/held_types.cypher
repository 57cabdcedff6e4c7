// The product types party p holds on $today, each once.
// args: p
// params: $today
COLLECT { MATCH ({{p}})-[held:HOLDS]->(held_product:Product)
          WHERE
            // include: current(held)
          RETURN DISTINCT held_product.type }
