"""The documents the benchmarks measure stay on the compiled executor, no field slowed down:
a permission class, field extension or schema extension that silently switched them off would fail
here, not in a benchmark nobody runs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from api.app import create_app
from api.settings import Settings
from bench.api_bench import BENCH_DOCUMENTS
from schema.core.executor import compiled_fields
from tests.helpers import ApiUser, count_graphql_core_fields, data, one

# Kinds of field the compiled executor answers the slow way (schema/core/executor.py).
SLOWED = {"wrapped", "unread"}


@pytest.fixture(scope="module")
def compiled_client(settings: Settings) -> Iterator[TestClient]:
    """The API with the compiled executor on, whatever RELGRAPH_COMPILED_EXECUTOR says."""
    with TestClient(create_app(settings.model_copy(update={"compiled_executor": True}))) as c:
        yield c


@pytest.fixture(scope="module")
def variables(driver: Driver) -> dict[str, dict[str, Any]]:
    customer = one(
        driver,
        "MATCH (c:Customer) WHERE EXISTS { (c)-[:HOLDS]->() } AND EXISTS { (c)-[:BILLED]->() } "
        "RETURN c.id AS id ORDER BY COUNT { (c)--() } DESC LIMIT 1",
    )["id"]
    product = one(
        driver,
        "MATCH (p:Product) RETURN p.id AS id ORDER BY COUNT { ()-[:HOLDS]->(p) } DESC LIMIT 1",
    )["id"]
    # A customer one hop from a party with a prohibition entry in force, over a tie valid today.
    exposed = one(
        driver,
        "MATCH (c:Customer)-[r:OWNS|EXECUTIVE_OF|LEGAL_REP_OF|EMPLOYED_BY|FAMILY_OF]-(x:Party)"
        "-[:LISTED]->(e:ListEntry {list: 'PROHIBITION'}) "
        "WHERE coalesce(r.since, date()) <= date() AND coalesce(r.until, date()) >= date() "
        "AND e.listed_on <= date() AND coalesce(e.delisted_on, date() + duration('P1D')) > date() "
        "RETURN c.id AS id ORDER BY c.id LIMIT 1",
    )["id"]
    # The riskiest product: exposure counts for it and most customers' tolerance is below it, so
    # the reasons' fields are compiled too.
    risky = one(
        driver,
        "MATCH (p:Product) RETURN p.id AS id ORDER BY p.risk_rating DESC, p.id LIMIT 1",
    )["id"]
    return {
        "360": {"id": customer},
        "holders": {"id": product},
        "exposure": {"id": exposed},
        "accessCheck": {"customer": exposed, "product": risky},
    }


@pytest.mark.parametrize("name", sorted(BENCH_DOCUMENTS))
def test_bench_documents_run_compiled_with_no_field_slowed_down(
    compiled_client: TestClient,
    admin: ApiUser,
    variables: dict[str, dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    restored: None,
) -> None:
    document = BENCH_DOCUMENTS[name]
    through_graphql_core = count_graphql_core_fields(monkeypatch)
    answer = data(compiled_client, document, admin.headers, **variables.get(name, {}))
    assert answer, name
    assert through_graphql_core == [], f"{name} ran on graphql-core"
    fields = compiled_fields(document)
    assert fields, f"{name} has no compiled plan"
    slowed = sorted({f"{coordinate} ({kind})" for coordinate, kind in fields if kind in SLOWED})
    assert slowed == [], f"{name}: fields wrapped in extensions, or plain fields not read directly"
    assert sum(kind == "read" for _, kind in fields) > 5
