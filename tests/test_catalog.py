"""The Cypher catalog: every file follows the header rules and compiles on the real server."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from loaders.ingest import LoadSummary
from queries import QUERY_DIR, CatalogError, load_catalog, parse_query

ROOT = Path(__file__).resolve().parents[1]


def test_every_query_compiles_on_neo4j(driver: Driver) -> None:
    failures = {}
    with driver.session(notifications_min_severity="OFF") as session:
        for name, query in load_catalog().items():
            try:
                session.run("EXPLAIN " + query.text, dict.fromkeys(query.params)).consume()
            except Exception as exc:
                failures[name] = str(exc)[:200]
    assert failures == {}


def test_every_query_the_code_names_exists_and_every_file_is_used() -> None:
    catalog = load_catalog()
    code = "\n".join(
        p.read_text()
        for folder in ("graph", "loaders", "api")
        for p in (ROOT / folder).glob("*.py")
    )
    named = set(re.findall(r'\b(?:read|write|run_autocommit)\(\s*"([a-z_]+)"', code))
    assert named - set(catalog) == set()
    # Some names are chosen from a table (load plan, sort orders): any literal counts as a use.
    literals = set(re.findall(r'"([a-z_]+)"', code))
    assert set(catalog) - literals == set(), "queries nothing uses"


def test_header_must_declare_exactly_the_parameters_used() -> None:
    with pytest.raises(CatalogError, match="differ"):
        parse_query("bad", "// x\n// params: $a\n// returns: n\nRETURN $a + $b AS n")
    with pytest.raises(CatalogError, match="one statement"):
        parse_query("bad", "// x\n// params: none\n// returns: n\nRETURN 1 AS n; RETURN 2 AS n")
    ok = parse_query("ok", "// Adds.\n// params: $a, $b\n// returns: n\nRETURN $a + $b AS n")
    assert ok.params == {"a", "b"} and ok.returns == ("n",) and ok.description == "Adds."


def test_catalog_files_live_in_the_queries_folder() -> None:
    assert len(list(QUERY_DIR.glob("*.cypher"))) == len(load_catalog())


def test_customer_list_statements_share_one_filter_block() -> None:
    """The customers_* files repeat their filter (Cypher has no includes); keep them in step."""
    catalog = load_catalog()
    names = [n for n in catalog if n.startswith("customers_")]
    assert len(names) == 7

    def filter_block(text: str) -> str:
        lines = text.splitlines()
        start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("AND ($segment"))
        end = next(i for i, line in enumerate(lines) if line.startswith("RETURN"))
        return "\n".join(lines[start:end])

    blocks = {filter_block(catalog[n].text) for n in names}
    assert len(blocks) == 1


def test_the_360_statement_projects_the_profile_as_parties_by_ids_does() -> None:
    """Cypher has no includes: party_details_by_ids repeats the profile projection so that a
    customer 360 is one statement. The two must not drift apart."""

    def projection(name: str) -> str:
        text = (QUERY_DIR / f"{name}.cypher").read_text(encoding="utf-8")
        match = re.search(r"p \{\.\*, since:.*?\} AS party", text, re.DOTALL)
        assert match is not None, name
        return match.group(0)

    assert projection("party_details_by_ids") == projection("parties_by_ids")


def _temporals(value: object) -> list[object]:
    if isinstance(value, dict):
        return [t for v in value.values() for t in _temporals(v)]
    if isinstance(value, list):
        return [t for v in value for t in _temporals(v)]
    return [value] if type(value).__module__ == "neo4j.time" else []


def test_the_hot_statements_send_dates_as_text(driver: Driver, first_load: LoadSummary) -> None:
    """The driver's temporal decoding was a fifth of the API's CPU on a customer 360, so the
    statements behind it and behind product holders send ISO text. A date property added to the
    model but not to their toString() lists would come back as a neo4j type: caught here."""
    catalog = load_catalog()
    with driver.session() as session:
        party = session.run(
            # The best-connected customer: fees, ties, managers, interactions, warnings.
            "MATCH (c:Customer) RETURN c.id AS id ORDER BY COUNT { (c)--() } DESC, c.id LIMIT 1"
        ).single()
        product = session.run(
            "MATCH (p:Product) WHERE EXISTS { ()-[:HOLDS]->(p) } RETURN p.id AS id LIMIT 1"
        ).single()
        assert party is not None and product is not None
        runs: dict[str, dict[str, Any]] = {
            "parties_by_ids": {"ids": [party["id"]]},
            "party_details_by_ids": {
                "ids": [party["id"]],
                "today": dt.date.today(),
                "with_branch": True,
                "with_managers": True,
                "holdings_offset": 0,
                "holdings_first": 100,
                "fee_items": 100,
                "warnings": 100,
                "with_tags": True,
                "interactions": 100,
                "with_interests": True,
                "links": 100,
                "link_types": None,
                "links_full": True,
                "issued": 100,
                "underwritten": 100,
            },
            "holders_of_products": {
                "keys": [{"id": product["id"], "offset": 0, "first": 100}],
                "scope": None,
            },
        }
        for name, params in runs.items():
            rows = [r.data() for r in session.run(catalog[name].text, params)]
            assert rows, name
            assert _temporals(rows) == [], name
