"""The documents the benchmarks measure stay on the compiled executor, every field on a fast path:
a permission class, field extension or schema extension that silently switched them off would fail
here, not in a benchmark nobody runs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from graphql.execution.executor import Executor
from neo4j import Driver

from api.app import create_app
from api.settings import Settings
from bench.api_bench import BENCH_DOCUMENTS
from schema.core.executor import compiled_fields
from tests.helpers import ApiUser, data, one


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
    return {"360": {"id": customer}, "holders": {"id": product}}


@pytest.mark.parametrize("name", sorted(BENCH_DOCUMENTS))
def test_bench_documents_run_compiled_with_no_field_on_its_resolver(
    compiled_client: TestClient,
    admin: ApiUser,
    variables: dict[str, dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
) -> None:
    document = BENCH_DOCUMENTS[name]
    through_graphql_core: list[str] = []
    original = Executor.execute_field

    def spy(self: Any, parent_type: Any, source: Any, fields: Any, *rest: Any) -> Any:
        through_graphql_core.append(f"{parent_type.name}.{fields[0].node.name.value}")
        return original(self, parent_type, source, fields, *rest)

    monkeypatch.setattr(Executor, "execute_field", spy)
    answer = data(compiled_client, document, admin.headers, **variables.get(name, {}))
    assert answer, name
    assert through_graphql_core == [], f"{name} ran on graphql-core"
    fields = compiled_fields(document)
    assert fields, f"{name} has no compiled plan"
    on_resolver = sorted({coordinate for coordinate, kind in fields if kind == "resolver"})
    assert on_resolver == [], f"{name}: fields on Strawberry's resolver wrapper"
    assert len(fields) > 5
