// The exposures monitoring keeps (EXPOSED_TO: customer → listed party, as of the last screening
// or re-screen) to each listed party of $listed_ids.
// scope-free: compliance bookkeeping of every customer; only compliance and admin see it.
// params: $listed_ids
// returns: listed_id, customer_id, hops, score, path
UNWIND $listed_ids AS listed_id
MATCH (:Party {id: listed_id})<-[e:EXPOSED_TO]-(c:Customer)
RETURN listed_id, c.id AS customer_id, e.hops AS hops, e.score AS score, e.path AS path
