// The product types party p holds on $as_of, each once.
// args: p
// params: $as_of
COLLECT { MATCH ({{p}})-[held:HOLDS]->(held_product:Product)
          WHERE
            // include: valid_on(held)
          RETURN DISTINCT held_product.type }
