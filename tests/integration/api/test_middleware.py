"""Every route, /graphql included, passes the shared middleware: a request id on the response, in
error bodies and in the log; security headers; CORS for configured origins only."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.helpers import ApiUser

ORIGIN = "https://crm.bank.example"


@pytest.fixture(scope="module")
def cors_client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings.model_copy(update={"cors_origins": [ORIGIN]}))) as c:
        yield c


@pytest.mark.parametrize("path", ["/graphql", "/healthz", "/readyz"])
def test_every_route_gets_a_request_id_and_security_headers(
    client: TestClient, admin: ApiUser, path: str
) -> None:
    if path == "/graphql":
        response = client.post(path, json={"query": "{ __typename }"}, headers=admin.headers)
    else:
        response = client.get(path)
    assert response.status_code == 200
    assert len(response.headers["x-request-id"]) == 16
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"


def test_a_callers_request_id_is_kept_and_a_forged_one_replaced(
    client: TestClient, admin: ApiUser
) -> None:
    body = {"query": "{ __typename }"}
    kept = client.post("/graphql", json=body, headers={**admin.headers, "X-Request-ID": "crm-42"})
    assert kept.headers["x-request-id"] == "crm-42"
    forged = "x\r\nFAKE LOG LINE"
    replaced = client.post(
        "/graphql",
        json=body,
        headers={**admin.headers, "X-Request-ID": forged.replace("\r\n", " ")},
    )
    assert replaced.headers["x-request-id"] != forged.replace("\r\n", " ")


def test_errors_carry_the_request_id_and_the_log_line_names_it(
    client: TestClient, admin: ApiUser, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="relgraph.access")
    headers = {**admin.headers, "X-Request-ID": "trace-7"}
    graphql_error = client.post("/graphql", json={"query": "{ nope }"}, headers=headers).json()
    assert graphql_error["errors"][0]["extensions"]["request_id"] == "trace-7"
    refused = client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"X-Request-ID": "trace-8"}
    )
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["request_id"] == "trace-8"
    access = [r for r in caplog.records if r.name == "relgraph.access"]
    assert any(r.request_id == "trace-8" and " 401 " in r.getMessage() for r in access)  # type: ignore[attr-defined]


def test_cors_answers_only_configured_origins(cors_client: TestClient, client: TestClient) -> None:
    preflight = {
        "Origin": ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    allowed = cors_client.options("/graphql", headers=preflight)
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    other = cors_client.options("/graphql", headers={**preflight, "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    assert (
        "access-control-allow-origin" not in client.options("/graphql", headers=preflight).headers
    )
