"""Small helpers for API tests: run GraphQL over HTTP, and ask the graph directly."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from neo4j import Driver


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
