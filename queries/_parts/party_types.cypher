// Whether party p is of one of $types (PERSON, COMPANY), or $types is null.
// args: p
// params: $types
($types IS NULL OR ({{p}}:Person AND 'PERSON' IN $types) OR ({{p}}:Company AND 'COMPANY' IN $types))
