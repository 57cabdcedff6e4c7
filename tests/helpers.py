"""Small helpers for tests: run GraphQL over HTTP, ask the graph directly, the repository root."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from graphql.execution.executor import Executor
from neo4j import Driver

ROOT = Path(__file__).resolve().parents[1]
# The bank every integration test reads (tests/integration/conftest.py loads it once).
BANK_CUSTOMERS = 1000
BANK_SEED = 7


def gql(
    client: TestClient, query: str, headers: dict[str, str], **variables: Any
) -> dict[str, Any]:
    response = client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def data(client: TestClient, query: str, headers: dict[str, str], **variables: Any) -> Any:
    body = gql(client, query, headers, **variables)
    assert "errors" not in body, body["errors"]
    return body["data"]


def error_codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


def cypher(driver: Driver, query: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(query, params)
    return [r.data() for r in records]


def one(driver: Driver, query: str, **params: Any) -> dict[str, Any]:
    rows = cypher(driver, query, **params)
    assert rows, f"no row for {query}"
    return rows[0]


def a_branch_and_products(driver: Driver, products: int) -> tuple[str, list[str]]:
    """A branch customers call home, and the first `products` product ids: for a test bank."""
    branch = one(
        driver,
        "MATCH (c:Customer)-[:HOME_BRANCH]->(b:Branch) RETURN b.id AS id ORDER BY b.id LIMIT 1",
    )["id"]
    ids = cypher(driver, "MATCH (p:Product) RETURN p.id AS id ORDER BY p.id LIMIT $n", n=products)
    return branch, [r["id"] for r in ids]


def graph_counts(driver: Driver) -> dict[str, int]:
    """Node counts per label and relationship counts per type."""
    counts: dict[str, int] = {}
    with driver.session() as session:
        for record in session.run(
            "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n"
        ):
            counts[f"node:{record['label']}"] = record["n"]
        for record in session.run("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n"):
            counts[f"rel:{record['type']}"] = record["n"]
    return counts


@dataclass(frozen=True)
class ApiUser:
    employee_id: str
    headers: dict[str, str]
    scope: list[str] | None  # branch ids whose customers this caller may see


def answer(result: Any) -> dict[str, Any]:
    """An execution result as data plus sorted (message, path, locations) errors: comparable."""
    errors = [
        (
            e.message,
            tuple(e.path or ()),
            tuple((loc.line, loc.column) for loc in e.locations or ()),
        )
        for e in result.errors or []
    ]
    return {"data": result.data, "errors": sorted(errors)}


def count_graphql_core_fields(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on (until the test ends), every field graphql-core's own executor resolves is
    appended, as "Type.field", to the list returned: empty while the compiled executor answers."""
    calls: list[str] = []
    original = Executor.execute_field

    def spy(self: Any, parent_type: Any, source: Any, fields: Any, *rest: Any) -> Any:
        calls.append(f"{parent_type.name}.{fields[0].node.name.value}")
        return original(self, parent_type, source, fields, *rest)

    monkeypatch.setattr(Executor, "execute_field", spy)
    return calls


def planted_groups(bank_dir: Path) -> list[dict[str, Any]]:
    """The synthetic bank's planted ownership groups (ground_truth/groups*.jsonl)."""
    return [
        json.loads(line)
        for path in sorted((bank_dir / "ground_truth").glob("groups*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def run_relgraph(
    *args: str, env: Mapping[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """`relgraph ARGS` in a process of its own, as an operator runs it, with `env` over this
    process's environment."""
    return subprocess.run(
        [sys.executable, "-m", "api", *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
