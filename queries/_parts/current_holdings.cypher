// The ids of the products party c holds on $today.
// args: c
// params: $today
[({{c}})-[held:HOLDS]->(held_product:Product)
 WHERE
   // include: current(held)
 | held_product.id]
