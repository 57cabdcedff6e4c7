// Opportunities by id, each with the ids of its target, the customer it was found through, its
// owner, institution and converting product, and its history of status changes, oldest first.
// params: $ids
// returns: opportunity
UNWIND $ids AS id
MATCH (o:Opportunity {id: id})
RETURN o {.*, created_at: toString(o.created_at), expires_on: toString(o.expires_on),
  refreshed_on: toString(o.refreshed_on), status_changed_at: toString(o.status_changed_at),
  created_on: toString(o.created_on),
  target_id: head([(o)-[:TARGETS]->(target:Party) | target.id]),
  via_id: head([(o)-[:VIA]->(via:Party) | via.id]),
  owner_id: head([(o)-[:OWNED_BY]->(owner:Employee) | owner.id]),
  institution_id: head([(o)-[:ROUTED_TO]->(institution:Branch) | institution.id]),
  converted_product_id: head([(o)-[:CONVERTED_TO]->(product:Product) | product.id]),
  history: COLLECT { MATCH (o)-[:HAS_CHANGE]->(change:OpportunityChange)
                     RETURN change {.*, at: toString(change.at)} ORDER BY change.at, change.to }
} AS opportunity
