"""Production names no part of the schema the caller did not name: no "Did you mean …?" for a
mistyped field, argument, type, enum value, input field or variable type, whether validation or
the coercion of variables at execution finds the typo. Dev keeps the suggestions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Environment, Settings
from tests.helpers import ApiUser

TYPOS: dict[str, tuple[str, dict[str, Any]]] = {
    "field": ('{ customr(id: "x") { id } }', {}),
    "argument": ("{ customers(frist: 1) { totalCount } }", {}),
    "argument of a nested field": (
        "{ me { employee { customers(frst: 1) { totalCount } } } }",
        {},
    ),
    "type in an inline fragment": (
        "{ customers(first: 1) { edges { node { ... on Custmer { id } } } } }",
        {},
    ),
    "type of a fragment definition": (
        "query { customers(first: 1) { edges { node { ...F } } } } fragment F on Custmer { id }",
        {},
    ),
    "enum literal": ("{ customers(first: 1, filter: {segment: KYE}) { totalCount } }", {}),
    "enum literal in an input's enum field": (
        "{ customers(first: 1, sort: {field: NAEM}) { totalCount } }",
        {},
    ),
    "enum value in variables": (
        "query($s: Segment) { customers(first: 1, filter: {segment: $s}) { totalCount } }",
        {"s": "KYE"},
    ),
    "enum value in a list in variables": (
        'query($t: [PartyType!]) { search(text: "华信", types: $t) { score } }',
        {"t": ["PERSN"]},
    ),
    "enum default of a variable": (
        "query($s: Segment = KYE) { customers(first: 1, filter: {segment: $s}) { totalCount } }",
        {},
    ),
    "input field": ("{ customers(first: 1, filter: {segmnt: KEY}) { totalCount } }", {}),
    "input field in variables": (
        "query($f: CustomerFilterInput) { customers(first: 1, filter: $f) { totalCount } }",
        {"f": {"segmnt": "KEY"}},
    ),
    "variable type": (
        "query($f: CustomerFiltrInput) { customers(first: 1, filter: $f) { totalCount } }",
        {},
    ),
}


@pytest.fixture(scope="module")
def dev_client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings.model_copy(update={"env": Environment.DEV}))) as client:
        yield client


def _messages(client: TestClient, headers: dict[str, str], case: str) -> list[str]:
    query, variables = TYPOS[case]
    response = client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    errors = response.json()["errors"]
    assert errors, response.text
    assert {e["extensions"]["code"] for e in errors} == {"GRAPHQL_VALIDATION_FAILED"}, errors
    return [e["message"] for e in errors]


@pytest.mark.parametrize("case", sorted(TYPOS))
def test_production_suggests_no_name(client: TestClient, admin: ApiUser, case: str) -> None:
    messages = _messages(client, admin.headers, case)
    assert [m for m in messages if "Did you mean" in m] == []


@pytest.mark.parametrize("case", sorted(TYPOS))
def test_dev_keeps_the_suggestions(dev_client: TestClient, admin: ApiUser, case: str) -> None:
    """Each typo above is one graphql-core does suggest a name for: without this, a case could
    stop being a test of anything."""
    messages = _messages(dev_client, admin.headers, case)
    assert [m for m in messages if "Did you mean" in m] != [], messages
