// An employee as graph/records.py's EmployeeRecord reads it: the branch and position of their
// current post (the latest WORKS_AT not ended; staff who moved keep the old one with `until`).
// args: e
// params: none
{{e}} {.*, hired: toString({{e}}.hired),
  branch_id: head(COLLECT { MATCH ({{e}})-[post:WORKS_AT]->(post_branch:Branch)
                            WHERE post.until IS NULL OR post.until >= date()
                            RETURN post_branch.id ORDER BY post.since DESC }),
  position: head(COLLECT { MATCH ({{e}})-[post:WORKS_AT]->(:Branch)
                           WHERE post.until IS NULL OR post.until >= date()
                           RETURN post.position ORDER BY post.since DESC })}
