// A branch as graph/records.py's BranchRecord reads it, with its parent's id.
// args: b
// params: none
{{b}} {.*, parent_id: head([({{b}})-[:PART_OF]->(branch_parent:Branch) | branch_parent.id])}
