"""`exposureAlertRaised` end to end: the API under uvicorn on a real port, a real WebSocket client
speaking graphql-transport-ws, the bearer token in connection_init. A listing made through the
same API is pushed at once; alerts another process raises arrive by polling; a screen that
reconnects with `after` misses none; a caller who is not compliance or admin, an unknown
employee or a bad token is refused at connection."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from neo4j import Driver
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from api.app import create_app
from api.auth import mint_token
from api.settings import Settings
from schema.core.access import Role
from tests.helpers import ApiUser, data
from tests.integration.api.live_server import LiveApi, serving

SUBSCRIPTION = """
subscription($after: Int) {
  exposureAlertRaised(after: $after) {
    id seq change cause causeRef hops customer { id } listedParty { id } path { text }
  }
}
"""
LIST = """
mutation($party: ID!) {
  listEntity(partyId: $party, list: PROHIBITION, reason: "测试") { entry { id } alerts { seq } }
}
"""
DELIST = 'mutation($e: ID!) { delistEntity(entryId: $e, reason: "复核") { alerts { seq } } }'
PROTOCOL = Subprotocol("graphql-transport-ws")


@pytest.fixture
def live(settings: Settings) -> Iterator[LiveApi]:
    with serving(settings.model_copy(update={"alert_poll_seconds": 0.2})) as api:
        yield api


@asynccontextmanager
async def subscribed(
    api: LiveApi, token: str, after: int | None = None
) -> AsyncIterator[ClientConnection]:
    async with connect(f"ws://{api.host}:{api.port}/graphql", subprotocols=[PROTOCOL]) as socket:
        await socket.send(
            json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        )
        assert json.loads(await asyncio.wait_for(socket.recv(), 10)) == {"type": "connection_ack"}
        subscribe = {"query": SUBSCRIPTION, "variables": {"after": after}}
        await socket.send(json.dumps({"id": "alerts", "type": "subscribe", "payload": subscribe}))
        yield socket


async def pushed(socket: ClientConnection, count: int, timeout: float = 15) -> list[dict[str, Any]]:
    alerts: list[dict[str, Any]] = []
    while len(alerts) < count:
        message = json.loads(await asyncio.wait_for(socket.recv(), timeout))
        assert message["type"] == "next" and message["id"] == "alerts", message
        assert "errors" not in message["payload"], message
        alerts.append(message["payload"]["data"]["exposureAlertRaised"])
    return alerts


async def post(api: LiveApi, user: ApiUser, query: str, **variables: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=60) as http:
        response = await http.post(
            api.url, json={"query": query, "variables": variables}, headers=user.headers
        )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    answer: dict[str, Any] = body["data"]
    return answer


def test_a_listing_pushes_its_alerts_to_a_subscribed_screen(
    live: LiveApi,
    settings: Settings,
    compliance: ApiUser,
    quiet_company: dict[str, Any],
    restored: None,
) -> None:
    token = mint_token(settings, compliance.employee_id, [Role.COMPLIANCE])

    async def scenario() -> tuple[list[dict[str, Any]], list[int]]:
        async with subscribed(live, token, after=0) as socket:
            changed = await post(live, compliance, LIST, party="TST-CO")
            seqs = [a["seq"] for a in changed["listEntity"]["alerts"]]
            alerts = await pushed(socket, len(seqs))
            with pytest.raises(TimeoutError):  # and nothing else
                await asyncio.wait_for(socket.recv(), 1)
            return alerts, seqs

    alerts, seqs = asyncio.run(scenario())
    assert [a["seq"] for a in alerts] == seqs
    assert {a["customer"]["id"]: a["hops"] for a in alerts} == quiet_company["exposed"]
    assert all(a["change"] == "NEWLY_EXPOSED" and a["cause"] == "LISTING" for a in alerts)
    assert all(a["listedParty"]["id"] == "TST-CO" and a["path"]["text"] for a in alerts)


def test_alerts_another_process_raises_arrive_and_a_reconnecting_screen_misses_none(
    live: LiveApi,
    settings: Settings,
    compliance: ApiUser,
    quiet_company: dict[str, Any],
    restored: None,
) -> None:
    token = mint_token(settings, compliance.employee_id, [Role.COMPLIANCE])
    # Another API process (its own app and feed) lists and delists.
    with TestClient(create_app(settings)) as elsewhere:
        listed = data(elsewhere, LIST, compliance.headers, party="TST-CO")["listEntity"]
    listing_seqs = [a["seq"] for a in listed["alerts"]]

    async def scenario() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        # A screen that saw nothing yet reconnects from 0: the listing's alerts come first.
        async with subscribed(live, token, after=0) as socket:
            backlog = await pushed(socket, len(listing_seqs))
            with TestClient(create_app(settings)) as elsewhere:
                delisted = data(elsewhere, DELIST, compliance.headers, e=listed["entry"]["id"])
            # Raised in another process: found by polling.
            later = await pushed(socket, len(delisted["delistEntity"]["alerts"]))
        return backlog, later

    backlog, later = asyncio.run(scenario())
    assert [a["seq"] for a in backlog] == listing_seqs
    assert {a["change"] for a in later} == {"NO_LONGER_EXPOSED"}
    assert min(a["seq"] for a in later) > max(listing_seqs)


@pytest.fixture
def intruders(settings: Settings, frontend: ApiUser, branch_manager: ApiUser) -> dict[str, str]:
    return {
        "frontend": f"Bearer {mint_token(settings, frontend.employee_id, [Role.FRONTEND])}",
        "manager": f"Bearer {mint_token(settings, branch_manager.employee_id, [Role.MANAGER])}",
        "unknown employee": f"Bearer {mint_token(settings, 'E-NOBODY', [Role.COMPLIANCE])}",
        "bad token": "Bearer not.a.token",
        "no token": "",
    }


def test_callers_who_may_not_subscribe_are_refused_at_connection(
    live: LiveApi, intruders: dict[str, str], driver: Driver
) -> None:
    async def attempt(authorization: str) -> int | None:
        async with connect(
            f"ws://{live.host}:{live.port}/graphql", subprotocols=[PROTOCOL]
        ) as socket:
            payload = {"Authorization": authorization} if authorization else {}
            await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(socket.recv(), 10)
            return socket.close_code

    for who, authorization in intruders.items():
        assert asyncio.run(attempt(authorization)) == 4403, who


def test_a_subscription_before_connection_init_is_refused(live: LiveApi) -> None:
    async def attempt() -> int | None:
        async with connect(
            f"ws://{live.host}:{live.port}/graphql", subprotocols=[PROTOCOL]
        ) as socket:
            subscribe = {"query": SUBSCRIPTION}
            await socket.send(json.dumps({"id": "x", "type": "subscribe", "payload": subscribe}))
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(socket.recv(), 10)
            return socket.close_code

    assert asyncio.run(attempt()) == 4401
