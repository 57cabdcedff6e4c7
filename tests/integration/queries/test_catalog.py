"""The Cypher catalog on the real server: every expanded statement compiles, and the hot ones send
dates as text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from neo4j import Driver

from loaders.ingest import LoadSummary
from queries import CypherQuery, Q, load_catalog


def test_every_query_compiles_on_neo4j(driver: Driver) -> None:
    failures = {}
    with driver.session(notifications_min_severity="OFF") as session:
        for name, query in load_catalog().items():
            try:
                session.run("EXPLAIN " + query.text, dict.fromkeys(query.params)).consume()
            except Exception as exc:
                failures[name] = str(exc)[:200]
    assert failures == {}


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
    with driver.session() as session:
        party = session.run(
            # The best-connected customer: fees, ties, managers, interactions, warnings.
            "MATCH (c:Customer) RETURN c.id AS id ORDER BY COUNT { (c)--() } DESC, c.id LIMIT 1"
        ).single()
        product = session.run(
            "MATCH (p:Product) WHERE EXISTS { ()-[:HOLDS]->(p) } RETURN p.id AS id LIMIT 1"
        ).single()
        assert party is not None and product is not None
        runs: dict[CypherQuery, dict[str, Any]] = {
            Q.parties_by_ids: {"ids": [party["id"]]},
            Q.party_details_by_ids: {
                "ids": [party["id"]],
                "today": dt.date.today(),
                "with_branch": True,
                "with_managers": True,
                "holdings_offset": 0,
                "holdings_first": 100,
                "holdings_include_ended": True,
                "fee_items": 100,
                "warnings": 100,
                "with_tags": True,
                "interactions": 100,
                "with_interests": True,
                "links": 100,
                "link_types": None,
                "links_full": True,
                "links_include_ended": True,
                "issued": 100,
                "underwritten": 100,
            },
            Q.holders_of_products: {
                "keys": [{"id": product["id"], "offset": 0, "first": 100}],
                "top": 100,
                "include_ended": True,
                "today": dt.date.today(),
                "scope": None,
            },
        }
        for query, params in runs.items():
            rows = [r.data() for r in session.run(query.text, params)]
            assert rows, query.name
            assert _temporals(rows) == [], query.name
