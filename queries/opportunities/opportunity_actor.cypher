// An opportunity's status and owner, and whether employee $actor_id heads the owner's branch
// (a BRANCH_HEAD posted now at the owner's branch or a branch above it): who may change it.
// params: $id, $actor_id
// returns: status, owner_id, heads_owner
MATCH (o:Opportunity {id: $id})
OPTIONAL MATCH (o)-[:OWNED_BY]->(owner:Employee)
RETURN o.status AS status, owner.id AS owner_id,
  EXISTS {
    MATCH (owner)-[owner_post:WORKS_AT]->(:Branch)-[:PART_OF*0..10]->(:Branch)
          <-[head_post:WORKS_AT]-(head:Employee {id: $actor_id})
    WHERE 'BRANCH_HEAD' IN head.roles
      AND (owner_post.until IS NULL OR owner_post.until >= date())
      AND (head_post.until IS NULL OR head_post.until >= date())
      AND (head_post.since IS NULL OR head_post.since <= date())
  } AS heads_owner
