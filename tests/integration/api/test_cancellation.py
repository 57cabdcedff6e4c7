"""A failing field never cancels work another field awaits, a stray CancelledError is a coded and
masked 500 in JSON, and a request's own cancellation still stops it."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from api.app import AppState, create_app
from api.settings import Settings
from graph.db import Database
from schema.core.access import Role
from tests.helpers import ApiUser, cypher, data, one
from tests.integration.conftest import token_for

# `b` fails: a page of 101 linked parties is refused, and the error nulls the issuer. The
# issuer's list entries are then cancelled by graphql-core (its gather cancels a failed field's
# siblings) while they await the DataLoader future that `a`, the same party, awaits too.
SHARED_LOAD = """
query($party: ID!, $product: ID!) {
  a: party(id: $party) { listEntries { id } }
  b: product(id: $product) { issuer { listEntries { id } linkedParties(first: 101) { type } } }
}
"""


def test_a_failing_field_never_cancels_a_load_another_field_awaits(
    client: TestClient, admin: ApiUser, settings: Settings, driver: Driver
) -> None:
    """On a principal's first request (their scope not yet cached) this failed as an HTTP 500
    in text/plain, without a code, for about one principal in five: each principal below is
    fresh (the caller cache is per principal)."""
    pair = one(
        driver,
        "MATCH (i:Party)-[:ISSUED]->(p:Product) WHERE EXISTS { (i)-[:LISTED]->(:ListEntry) } "
        "RETURN i.id AS party, p.id AS product ORDER BY p.id LIMIT 1",
    )
    alone = "query($party: ID!) { a: party(id: $party) { listEntries { id } } }"
    entries = data(client, alone, admin.headers, party=pair["party"])["a"]["listEntries"]
    assert entries
    # A role set no fixture uses: every principal here is new to the API.
    roles = (Role.ADMIN, Role.COMPLIANCE)
    employees = [r["id"] for r in cypher(driver, "MATCH (e:Employee) RETURN e.id AS id")]
    assert len(employees) >= 40
    failures = []
    for employee in employees:
        response = client.post(
            "/graphql",
            json={"query": SHARED_LOAD, "variables": pair},
            headers=token_for(settings, employee, *roles),
        )
        body = (
            response.json() if response.headers.get("content-type") == "application/json" else None
        )
        expected = {"a": {"listEntries": entries}, "b": {"issuer": None}}
        if (
            response.status_code != 200
            or body is None
            or body.get("data") != expected
            or [e["extensions"]["code"] for e in body["errors"]] != ["INVALID_ARGUMENT"]
        ):
            failures.append((employee, response.status_code, response.text[:200]))
    assert failures == [], f"{len(failures)} of {len(employees)} principals: {failures[:5]}"


def test_a_stray_cancellation_is_a_coded_masked_500(
    client: TestClient,
    admin: ApiUser,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A CancelledError that is not the request's own (here, raised by the database layer)
    passes every `except Exception`: it must still end as a JSON answer with a code."""
    data(client, "{ me { seesAllBranches } }", admin.headers)  # the caller is cached

    async def cancelled(*_: Any, **__: Any) -> Any:
        raise asyncio.CancelledError("secret detail")

    monkeypatch.setattr(Database, "read", cancelled)
    response = client.post(
        "/graphql", json={"query": "{ customers(first: 1) { totalCount } }"}, headers=admin.headers
    )
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    (error,) = response.json()["errors"]
    assert "data" not in response.json()
    assert error["message"] == "Internal server error"
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert error["extensions"]["request_id"] == response.headers["x-request-id"]
    logged = [r for r in caplog.records if error["extensions"]["error_id"] in r.getMessage()]
    assert logged and logged[0].levelno == logging.ERROR


def test_a_cancelled_request_stops_and_answers_nothing(
    settings: Settings, admin: ApiUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The request's own cancellation (the server shutting down, a client gone under some
    servers) is not an error to answer: it propagates."""
    started = asyncio.Event()
    original_read = Database.read

    async def slow(self: Database, query: Any, params: Any = None) -> Any:
        if "customers" in query.name:
            started.set()
            await asyncio.sleep(60)
        return await original_read(self, query, params)

    monkeypatch.setattr(Database, "read", slow)

    async def run() -> list[dict[str, Any]]:
        app = create_app(settings)
        db = Database(settings.neo4j_config())
        app.state.relgraph = AppState(settings, db)
        body = json.dumps({"query": "{ customers(first: 1) { totalCount } }"}).encode()
        scope = {
            "type": "http",
            "method": "POST",
            "path": "/graphql",
            "headers": [
                (b"content-type", b"application/json"),
                (b"authorization", admin.headers["Authorization"].encode()),
            ],
            "query_string": b"",
        }
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: Any) -> None:
            sent.append(message)

        try:
            request = asyncio.create_task(app(scope, receive, send))
            await asyncio.wait_for(started.wait(), 30)
            request.cancel()
            with pytest.raises(asyncio.CancelledError):
                await request
        finally:
            await db.close()
        return sent

    assert asyncio.run(run()) == []


def test_an_unexpected_error_on_another_route_is_a_coded_masked_500(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: Any) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(Database, "ping", broken)
    with TestClient(create_app(settings), raise_server_exceptions=False) as api:
        response = api.get("/readyz")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "secret" not in response.text
