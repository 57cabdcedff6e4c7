"""Safe by default: limits, no batching or GET, introspection and IDE only in dev, masked
unexpected errors, typed outages and timeouts, recovery when Neo4j returns."""

from __future__ import annotations

import asyncio
import base64
import gc
import logging
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
from fastapi.testclient import TestClient
from graphql import validate
from graphql.execution.executor import Executor
from neo4j import Driver

from api import app as app_module
from api.app import create_app
from api.auth import CallerResolver
from api.middleware import RequestIdFilter
from api.settings import Environment, Settings
from graph import parties
from graph.db import Database, Neo4jConfig, QueryTimedOut
from queries import parse_query
from schema import build_schema
from schema.core import executor
from tests.helpers import ROOT, ApiUser, data, error_codes, gql, one
from tests.tcp_proxy import TcpProxy


def test_committed_sdl_matches_the_code() -> None:
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == build_schema().as_str() + "\n", "run `relgraph schema export`"


def test_depth_alias_and_token_limits(
    client: TestClient, admin: ApiUser, settings: Settings
) -> None:
    deep = "{ customers { edges { node { party { linkedParties { party { linkedParties { party { "
    deep += "linkedParties { party { linkedParties { party { id } } } } } } } } } } } } }"
    # Twice: the second answer comes from the validation cache and must refuse just the same.
    for _ in range(2):
        assert error_codes(gql(client, deep, admin.headers)) == ["GRAPHQL_VALIDATION_FAILED"]

    aliases = " ".join(f"a{i}: me {{ seesAllBranches }}" for i in range(settings.max_aliases + 1))
    assert "GRAPHQL_VALIDATION_FAILED" in error_codes(
        gql(client, f"{{ {aliases} }}", admin.headers)
    )

    tokens = "{ me { " + " ".join(["seesAllBranches"] * settings.max_tokens) + " } }"
    response = client.post("/graphql", json={"query": tokens}, headers=admin.headers)
    assert "GRAPHQL_VALIDATION_FAILED" in error_codes(response.json())


def test_each_query_text_is_validated_once(
    client: TestClient, admin: ApiUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append("validate")
        return validate(*args, **kwargs)

    monkeypatch.setattr("api.app.validate", counting)
    query = "query ValidatedOnce { me { seesAllBranches } }"
    for _ in range(3):
        assert "errors" not in gql(client, query, admin.headers)
    assert calls == ["validate"]
    # A different text is a different document.
    assert "errors" not in gql(client, query + " ", admin.headers)
    assert len(calls) == 2


def test_a_body_that_is_not_json_is_a_clear_400(client: TestClient, admin: ApiUser) -> None:
    response = client.post(
        "/graphql",
        content=b'{"query": "{ me { seesAllBranches } }"',
        headers={**admin.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    (error,) = response.json()["errors"]
    assert "JSON" in error["message"] and error["extensions"]["code"] == "BAD_REQUEST"


def test_batched_operations_and_get_requests_are_refused(
    client: TestClient, admin: ApiUser
) -> None:
    batch = client.post(
        "/graphql", json=[{"query": "{ me { seesAllBranches } }"}] * 2, headers=admin.headers
    )
    assert batch.status_code == 400
    assert error_codes(batch.json()) == ["BAD_REQUEST"]
    get = client.get(
        "/graphql", params={"query": "{ me { seesAllBranches } }"}, headers=admin.headers
    )
    assert get.status_code == 405
    assert error_codes(get.json()) == ["METHOD_NOT_ALLOWED"]


GRAPHQL_RESPONSE = {"accept": "application/graphql-response+json"}
POSTS: list[tuple[str, dict[str, str]]] = [
    ('{"query": "{ me { employee { id } } }"}', {}),
    ('{"query": "{ me { employee { id } } }", "variables": null, "extensions": {}}', {}),
    ('{"query": "{ me { employee { id } } }", "operationName": null}', GRAPHQL_RESPONSE),
    (
        '{"query": "query A { me { seesAllBranches } } query B { __typename }", '
        '"operationName": "B"}',
        {},
    ),
    ('{"query": "query A { __typename } query B { __typename }"}', {}),
    ('{"query": "query A { __typename } query B { __typename }"}', GRAPHQL_RESPONSE),
    ('{"query": "query A { __typename }", "operationName": "C"}', {}),
    ('{"query": "query A { __typename }", "operationName": "' + "C" * 500 + '"}', {}),
    ('{"query": "query A { __typename }", "operationName": 7}', {}),
    ('{"query": "subscription { __typename }"}', {}),
    ('{"query": "mutation { __typename }"}', {}),
    ('{"query": "{ nope }"}', {}),
    ('{"query": "{ nope }"}', GRAPHQL_RESPONSE),
    ('{"query": "{"}', {}),
    ('{"query": "{"}', GRAPHQL_RESPONSE),
    ('{"query": "query($id: ID!) { __typename }", "variables": {"id": null}}', GRAPHQL_RESPONSE),
    ('{"query": "{ customer(id: \\"nobody\\") { id } }"}', GRAPHQL_RESPONSE),
    ('{"query": ""}', {}),
    ('{"variables": {}}', {}),
    ('{"query": 7}', {}),
    ('{"query": "{ __typename }", "variables": []}', {}),
    ('{"query": "{ __typename }", "extensions": "x"}', {}),
    ('[{"query": "{ __typename }"}]', {}),
    ('"just a string"', {}),
    ("null", {}),
    ("", {}),
    ("{not json", {}),
    ("{not json", GRAPHQL_RESPONSE),
    ('{"query": "{ __typename }"}', {"content-type": "application/json; charset=utf-8"}),
    ('{"query": "{ __typename }"}', {"content-type": "Application/JSON; Charset=UTF-8"}),
    ('{"query": "{ __typename }"}', {"accept": "Application/GraphQL-Response+JSON"}),
    ('{"query": "{ __typename }"}', {"accept": "text/html"}),
]


@pytest.mark.parametrize(("body", "headers"), POSTS)
def test_a_json_post_is_answered_as_strawberrys_view_answers_it(
    client: TestClient,
    admin: ApiUser,
    monkeypatch: pytest.MonkeyPatch,
    body: str,
    headers: dict[str, str],
) -> None:
    """The app answers a JSON post itself (api/app.py); for any body, the status, type and
    content must be what Strawberry's own view (with the app's overrides) gives."""

    def post() -> tuple[int, str, str]:
        response = client.post(
            "/graphql",
            content=body,
            # The same request id both times, so that error bodies compare equal.
            headers={
                "content-type": "application/json",
                "x-request-id": "same",
                **admin.headers,
                **headers,
            },
        )
        return response.status_code, response.headers["content-type"], response.text

    fast = post()
    monkeypatch.setattr(app_module, "_streaming_accepted", lambda _: True)
    assert fast == post()


def test_a_plain_json_post_skips_strawberrys_view(
    client: TestClient, admin: ApiUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def refuse(*_: Any, **__: Any) -> None:
        raise AssertionError("went through Strawberry's view")

    monkeypatch.setattr(app_module._GraphQLApp, "run", refuse)
    assert data(client, "{ me { employee { id } } }", admin.headers)["me"]["employee"]["id"]


@pytest.mark.parametrize("body", ['"just a string"', "7", "null"])
def test_a_json_body_that_is_no_object_is_a_clear_400(
    client: TestClient, admin: ApiUser, body: str
) -> None:
    headers = {"content-type": "application/json", **admin.headers}
    response = client.post("/graphql", content=body, headers=headers)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["message"] == "The request body must be a JSON object"
    assert error["extensions"]["code"] == "BAD_REQUEST"


def test_introspection_and_graphiql_are_off_in_production(
    client: TestClient, admin: ApiUser
) -> None:
    body = gql(client, "{ __schema { types { name } } }", admin.headers)
    assert body.get("data") is None
    assert set(error_codes(body)) == {"GRAPHQL_VALIDATION_FAILED"}
    ide = client.get("/graphql", headers={"Accept": "text/html"})
    assert "graphiql" not in ide.text.lower()
    typo = gql(client, '{ customr(id: "x") { id } }', admin.headers)
    assert "Did you mean" not in typo["errors"][0]["message"]


def test_introspection_and_graphiql_are_on_in_dev(settings: Settings, admin: ApiUser) -> None:
    dev = settings.model_copy(update={"env": Environment.DEV})
    with TestClient(create_app(dev)) as dev_client:
        body = gql(dev_client, "{ __schema { queryType { name } } }", admin.headers)
        assert body["data"]["__schema"]["queryType"]["name"] == "Query"
        ide = dev_client.get("/graphql", headers={"Accept": "text/html"})
        assert ide.status_code == 200 and "graphiql" in ide.text.lower()


def test_unexpected_errors_are_masked_and_logged_with_an_id(
    client: TestClient,
    admin: ApiUser,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(*_: object) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(parties, "party_details", broken)
    customer = client.post(
        "/graphql",
        json={"query": "{ customers(first: 1) { edges { node { tags { name } } } } }"},
        headers=admin.headers,
    ).json()
    error = customer["errors"][0]
    assert error["message"] == "Internal server error"
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "secret" not in str(customer)
    logged = [r for r in caplog.records if error["extensions"]["error_id"] in r.getMessage()]
    assert logged and "secret internal detail" in str(logged[0].exc_info)


def test_errors_outside_resolvers_are_masked_too(
    client: TestClient,
    admin: ApiUser,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An exception in the executor itself aborts the whole operation, past the resolvers' error
    handling: it must still reach the client masked, with a code and a logged id."""

    def broken(*_: object) -> None:
        raise RuntimeError("secret executor detail")

    # Whichever executor runs (RELGRAPH_COMPILED_EXECUTOR), its entry point fails.
    monkeypatch.setattr(executor.RelgraphExecutor, "_root_plan", broken)
    monkeypatch.setattr(Executor, "execute_root_grouped_field_set", broken)
    body = gql(client, "{ me { employee { name } } }", admin.headers)
    error = body["errors"][0]
    assert error["message"] == "Internal server error"
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "secret" not in str(body)
    logged = [r for r in caplog.records if error["extensions"]["error_id"] in r.getMessage()]
    assert logged and "secret executor detail" in str(logged[0].exc_info)


@pytest.fixture
def proxied(neo4j_uri: str, settings: Settings) -> Iterator[tuple[TcpProxy, TestClient]]:
    target = urlparse(neo4j_uri)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 7687)
    proxy.start()
    via_proxy = settings.model_copy(update={"neo4j_uri": f"bolt://127.0.0.1:{proxy.port}"})
    with TestClient(create_app(via_proxy)) as proxied_client:
        yield proxy, proxied_client
    proxy.stop()


def test_outage_is_reported_and_the_api_recovers(
    proxied: tuple[TcpProxy, TestClient], admin: ApiUser, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.CRITICAL)
    proxy, api = proxied
    query = "{ customers(first: 1) { totalCount } }"
    assert api.get("/readyz").status_code == 200
    assert "errors" not in gql(api, query, admin.headers)

    proxy.stop()
    ready = api.get("/readyz")
    assert ready.status_code == 503 and ready.json()["neo4j"] == "down"
    down = gql(api, "{ customers(first: 2) { totalCount } }", admin.headers)
    assert error_codes(down) == ["SERVICE_UNAVAILABLE"]
    assert "unavailable" in down["errors"][0]["message"]

    proxy.start()
    deadline = time.monotonic() + 30
    while api.get("/readyz").status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert api.get("/readyz").status_code == 200
    assert "errors" not in gql(api, query, admin.headers)


def test_readiness_says_down_and_logs_the_detail_with_the_request_id(
    proxied: tuple[TcpProxy, TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    """/readyz needs no token: it must not tell anyone where the database is or what the driver
    said. The operator finds that in the log, under the response's request id."""
    proxy, api = proxied
    proxy.stop()
    caplog.set_level(logging.WARNING, logger="relgraph.api")
    caplog.handler.addFilter(RequestIdFilter())  # as configure_logging does for every handler
    ready = api.get("/readyz", headers={"X-Request-ID": "readiness-probe-1"})
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "neo4j": "down"}
    assert str(proxy.port) not in ready.text and "127.0.0.1" not in ready.text
    logged = [r for r in caplog.records if r.name == "relgraph.api"]
    assert len(logged) == 1, [r.getMessage() for r in logged]
    assert str(proxy.port) in logged[0].getMessage()
    assert getattr(logged[0], "request_id", None) == ready.headers["x-request-id"]
    assert ready.headers["x-request-id"] == "readiness-probe-1"


def test_statements_past_their_timeout_are_stopped(neo4j_config: Neo4jConfig) -> None:
    slow = parse_query(
        "slow",
        "// Runs long.\n// params: none\n// returns: n\n"
        "UNWIND range(1, 1000000000) AS x RETURN count(x) AS n",
    )

    async def run() -> float:
        db = Database(
            Neo4jConfig(
                uri=neo4j_config.uri,
                user=neo4j_config.user,
                password=neo4j_config.password,
                query_timeout_seconds=0.5,
            )
        )
        started = time.monotonic()
        try:
            with pytest.raises(QueryTimedOut):
                await db.read(slow)
        finally:
            await db.close()
        return time.monotonic() - started

    assert asyncio.run(run()) < 30


def warm_caller(client: TestClient, user: ApiUser) -> None:
    """Looks the caller up afresh, so that their remembered record (kept for a minute) cannot
    expire during the request measured next and add a lookup to its statements."""
    callers: CallerResolver = client.app.state.relgraph.callers  # type: ignore[attr-defined]
    callers.forget()
    gql(client, "{ __typename }", user.headers)


NESTED = """
query($first: Int) {
  customers(first: $first) {
    edges { node {
      id segment homeBranch { name } managers { employee { name } }
      holdings(first: 10) { totalCount edges { node { amount product {
        name issuer { name } leadUnderwriter { underwriter { name } } } } } }
      tags { name } fees { owed }
    } }
  }
}
"""


def test_nested_selections_cost_the_same_statements_for_5_or_100_customers(
    client: TestClient, admin: ApiUser
) -> None:
    db: Database = client.app.state.relgraph.db  # type: ignore[attr-defined]

    def statements(first: int) -> int:
        warm_caller(client, admin)
        before = db.statements_run
        body = gql(client, NESTED, admin.headers, first=first)
        assert "errors" not in body
        assert len(body["data"]["customers"]["edges"]) == first
        return db.statements_run - before

    assert statements(5) == statements(100)


VIA_FRAGMENTS = """
query($id: ID!, $n: Int, $types: [LinkType!]) {
  customer(id: $id) {
    ...Picture
    holdings(first: $n) { totalCount edges { node { amount } } }
  }
}
fragment Picture on Customer {
  homeBranch { name }
  fees { owed }
  ... on Customer { linkedParties(types: $types, first: $n) { role } tags { name } }
}
"""
INLINE = """
query($id: ID!) {
  customer(id: $id) {
    homeBranch { name } fees { owed } tags { name }
    holdings(first: 3) { totalCount edges { node { amount } } }
    linkedParties(types: [OWNS, EMPLOYED_BY], first: 3) { role }
  }
}
"""


def test_a_customer_selection_through_fragments_and_variables_is_fetched_at_once(
    client: TestClient, admin: ApiUser
) -> None:
    """Selection analysis must see fields inside fragments and arguments given as variables;
    missing one costs an extra statement for that field alone."""
    db: Database = client.app.state.relgraph.db  # type: ignore[attr-defined]
    customer_id = data(client, "{ customers(first: 1) { edges { node { id } } } }", admin.headers)
    customer_id = customer_id["customers"]["edges"][0]["node"]["id"]

    def statements(query: str, **variables: Any) -> tuple[int, dict[str, Any]]:
        warm_caller(client, admin)
        before = db.statements_run
        body = gql(client, query, admin.headers, id=customer_id, **variables)
        assert "errors" not in body, body["errors"]
        return db.statements_run - before, body["data"]["customer"]

    via_fragments = statements(VIA_FRAGMENTS, n=3, types=["OWNS", "EMPLOYED_BY"])
    inline = statements(INLINE)
    assert via_fragments[0] == inline[0] == 1  # the profile and every detail, in one statement
    assert via_fragments[1]["holdings"] == inline[1]["holdings"]
    assert via_fragments[1]["linkedParties"] == inline[1]["linkedParties"]
    # The analysis of a document is remembered only when no variable can change it: the same
    # document with other variables is analysed again, and a literal one answers alike.
    assert statements(INLINE) == inline
    wider = statements(VIA_FRAGMENTS, n=1, types=None)
    assert wider[0] == 1 and len(wider[1]["holdings"]["edges"]) == 1
    assert len(wider[1]["linkedParties"]) <= 1


def test_a_request_leaves_no_records_for_the_cyclic_gc(client: TestClient, admin: ApiUser) -> None:
    """graphql-core's executor sits in a reference cycle holding the request context; the context
    drops its loaders when the response is built, so the records go by reference counting. Left
    to the cyclic GC they aged into its costly generations (a 75 ms pause every few hundred
    requests)."""
    query = "{ customers(first: 20) { edges { node { name holdings { totalCount } } } } }"
    gql(client, query, admin.headers)  # warm up: scope cache, parse cache
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        assert "errors" not in gql(client, query, admin.headers)
        gc.collect()
        leaked = {type(o).__name__ for o in gc.garbage if type(o).__module__ == "graph.records"}
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert leaked == set()


FORGED_CURSOR_LISTS = {
    "customers": "query($after: String) { customers(first: 2, after: $after) { totalCount } }",
    "products": "query($after: String) { products(first: 2, after: $after) { totalCount } }",
    "holders": """query($after: String, $id: ID!) {
        product(id: $id) { holders(first: 2, after: $after) { totalCount } } }""",
    "holdings": """query($after: String, $id: ID!) {
        customer(id: $id) { holdings(first: 2, after: $after) { totalCount } } }""",
}


@pytest.mark.parametrize("offset", [2**63 - 1, 2**63, 2**64, 10**30])
@pytest.mark.parametrize("field", sorted(FORGED_CURSOR_LISTS))
def test_a_forged_cursor_past_any_list_is_an_invalid_argument(
    client: TestClient,
    admin: ApiUser,
    driver: Driver,
    caplog: pytest.LogCaptureFixture,
    field: str,
    offset: int,
) -> None:
    """Such an offset overflowed Neo4j's 64-bit SKIP: an INTERNAL_SERVER_ERROR and a stack trace
    in the log for every request."""
    ids = one(
        driver,
        "MATCH (c:Customer)-[:HOLDS]->(p:Product) RETURN c.id AS customer, p.id AS product LIMIT 1",
    )
    variables: dict[str, Any] = {
        "after": base64.urlsafe_b64encode(f"rg:{offset}".encode()).decode()
    }
    if field in ("holders", "holdings"):
        variables["id"] = ids["product" if field == "holders" else "customer"]
    caplog.set_level(logging.INFO)
    body = gql(client, FORGED_CURSOR_LISTS[field], admin.headers, **variables)
    assert error_codes(body) == ["INVALID_ARGUMENT"], body
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
