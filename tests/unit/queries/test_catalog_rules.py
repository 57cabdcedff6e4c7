"""The catalog's rules: headers, includes, branch scope, typed names, and no block written twice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from queries import QUERY_DIR, CatalogError, Q, load_catalog, parse_part, parse_query
from queries.catalog import statement_files
from tests.helpers import ROOT

PARTS = {
    "pick": parse_part("pick", "// A column.\n// args: n\n// params: none\n{{n}}.id AS id"),
    "scoped": parse_part(
        "scoped", "// In scope.\n// args: p\n// params: $scope\n({{p}}.branch IN $scope)"
    ),
    "outer": parse_part(
        "outer",
        "// Nested.\n// args: x\n// params: $scope\n{{x}}.a = 1 AND\n// include: scoped({{x}})",
    ),
}


def test_header_must_declare_exactly_the_parameters_used() -> None:
    with pytest.raises(CatalogError, match="differ"):
        parse_query("bad", "// x\n// params: $a\n// returns: n\nRETURN $a + $b AS n")
    with pytest.raises(CatalogError, match="one statement"):
        parse_query("bad", "// x\n// params: none\n// returns: n\nRETURN 1 AS n; RETURN 2 AS n")
    with pytest.raises(CatalogError, match="needs a // header"):
        parse_query("bad", "RETURN 1 AS n")
    ok = parse_query("ok", "// Adds.\n// params: $a, $b\n// returns: n\nRETURN $a + $b AS n")
    assert ok.params == {"a", "b"} and ok.returns == ("n",) and ok.description == "Adds."


def test_an_include_is_replaced_by_its_part_with_the_variable_and_indentation() -> None:
    query = parse_query(
        "q",
        "// Q.\n// params: $scope\n// returns: id\nMATCH (c:Thing)\nWHERE\n"
        "    // include: outer(c)\nRETURN\n  // include: pick(c)",
        PARTS,
    )
    assert query.text == (
        "MATCH (c:Thing)\nWHERE\n    c.a = 1 AND\n    (c.branch IN $scope)\nRETURN\n  c.id AS id"
    )
    assert query.includes == ("outer", "pick", "scoped")
    # The part's parameters count as the statement's: a header without them is refused.
    with pytest.raises(CatalogError, match="differ"):
        parse_query(
            "q", "// Q.\n// params: none\n// returns: n\nRETURN\n// include: outer(c)", PARTS
        )


def test_includes_must_name_a_part_with_its_arguments() -> None:
    header = "// Q.\n// params: none\n// returns: id\nMATCH (c) RETURN\n"
    with pytest.raises(CatalogError, match="unknown part 'nope'"):
        parse_query("q", header + "// include: nope(c)", PARTS)
    with pytest.raises(CatalogError, match="needs 1 variable"):
        parse_query("q", header + "// include: pick(c, d)", PARTS)
    with pytest.raises(CatalogError, match="needs 1 variable"):
        parse_query("q", header + "// include: pick(c.x)", PARTS)
    with pytest.raises(CatalogError, match="placeholders"):
        parse_part("bad", "// B.\n// args: a\n// params: none\n{{b}}.id")


def test_a_cycle_of_includes_is_refused() -> None:
    loop = {
        "loop": parse_part("loop", "// L.\n// args: x\n// params: none\n// include: loop({{x}})")
    }
    with pytest.raises(CatalogError, match="deeper"):
        parse_query("q", "// Q.\n// params: none\n// returns: n\n// include: loop(n)", loop)


def test_a_statement_on_customers_takes_the_scope_or_says_why_not() -> None:
    unscoped = "// Q.\n// params: none\n// returns: n\nMATCH (c:Customer) RETURN count(c) AS n"
    with pytest.raises(CatalogError, match="without \\$scope"):
        parse_query("q", unscoped)
    # Written with a space, or reached only through an include, it is still caught.
    with pytest.raises(CatalogError, match="without \\$scope"):
        parse_query("q", unscoped.replace(":Customer", ": Customer"))
    free = parse_query("q", unscoped.replace("// params:", "// scope-free: a count.\n// params:"))
    assert free.scope_free == "a count."
    scoped = parse_query(
        "q",
        "// Q.\n// params: $scope\n// returns: n\n"
        "MATCH (c:Customer) WHERE c.branch IN $scope RETURN count(c) AS n",
    )
    assert scoped.scope_free is None
    with pytest.raises(CatalogError, match="declared scope-free"):
        parse_query(
            "q",
            "// Q.\n// scope-free: no.\n// params: $scope\n// returns: n\n"
            "MATCH (c:Customer) WHERE c.branch IN $scope RETURN count(c) AS n",
        )


def test_every_scope_free_statement_gives_a_reason() -> None:
    free = {name: q.scope_free for name, q in load_catalog().items() if q.scope_free is not None}
    assert free, "the load statements at least are scope-free"
    assert all(len(reason) > 20 for reason in free.values()), free


def test_stems_are_unique_across_folders(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.cypher").write_text(
            "// S.\n// params: none\n// returns: n\nRETURN 1 AS n"
        )
    (tmp_path / "_parts").mkdir()
    with pytest.raises(CatalogError, match="in both"):
        load_catalog(tmp_path)


def test_q_lists_every_statement_on_disk() -> None:
    catalog = load_catalog()
    assert {name for name in vars(Q) if not name.startswith("_")} == set(catalog)
    assert all(getattr(Q, name) == query for name, query in catalog.items())
    assert len(statement_files()) == len(catalog)


def test_every_statement_is_used_by_the_code() -> None:
    """Statements are named as `Q.<name>` (a typo fails mypy and import); every one is used,
    from any module, sub-packages included."""
    code = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in ("api", "graph", "loaders", "schema")
        for path in (ROOT / folder).rglob("*.py")
    )
    used = set(re.findall(r"\bQ\.([a-z_][a-z0-9_]*)", code))
    assert set(load_catalog()) - used == set(), "statements nothing uses"


# Blocks that belong in queries/_parts only: each pattern is a line of one part.
_SHARED_BLOCKS = {
    "party_derived": r"party_type:\s*CASE WHEN",
    "party_derived (listing)": r"\{list: 'PROHIBITION'\}",
    "in_scope": r"IN \$scope",
    "customer_filter": r"\$segment IS NULL",
    "product_map": r"issue_date:\s*toString",
}


def test_shared_blocks_are_written_once_in_parts() -> None:
    copies = {
        f"{path.relative_to(QUERY_DIR)}: {block}"
        for path in statement_files()
        for block, pattern in _SHARED_BLOCKS.items()
        if re.search(pattern, path.read_text(encoding="utf-8"))
    }
    assert copies == set(), "include the part instead of copying it"
