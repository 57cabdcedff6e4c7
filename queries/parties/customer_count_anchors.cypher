// How many relationships a customer count would start from through each anchor it could use: a
// product's HOLDS, a tag's TAGGED, the home branches' HOME_BRANCH, read from the degree store (no
// relationship read). Upper bounds (ended positions, non-customers), to pick the smallest.
// params: $product, $tag, $branches
// returns: product, tag, branches
OPTIONAL MATCH (product:Product {id: $product})
OPTIONAL MATCH (tag:Tag {id: $tag})
CALL () {
  UNWIND coalesce($branches, []) AS branch_id
  MATCH (home:Branch {id: branch_id})
  RETURN sum(COUNT { (home)<-[:HOME_BRANCH]-() }) AS branches
}
RETURN COUNT { (product)<-[:HOLDS]-() } AS product, COUNT { (tag)<-[:TAGGED]-() } AS tag, branches
