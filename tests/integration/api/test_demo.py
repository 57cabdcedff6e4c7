"""What `make run` prints for trying the API: a token per role, whose it is and what it sees,
checked against the loaded bank and through HTTP with the printed tokens."""

from __future__ import annotations

import contextlib
import io
import itertools
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from api.cli import print_demo_tokens
from api.settings import Settings
from tests.helpers import data, one

ROLE_LINE = re.compile(
    r"^ {2}(?P<role>frontend|manager|compliance|admin) +(?P<name>\S+) (?P<id>E\d+), "
    r"(?P<position>.+) at (?P<branch>.+?): sees (?P<sees>.+)$"
)
TOKEN_LINE = re.compile(r"^ {4}(?P<token>[\w-]+\.[\w-]+\.[\w-]+)$")
SCOPED = re.compile(
    r"^(?P<n>[\d,]+) customers \(its branch and (?P<below>\d+) below it\), personal data masked$"
)
EVERYONE = re.compile(r"^all (?P<n>[\d,]+) customers, personal data unmasked$")

ME = """
{
  me { employee { id name position branch { name kind } } accessRoles seesAllBranches }
  customers(first: 1) { totalCount }
}
"""


@pytest.fixture(scope="module")
def printout(settings: Settings) -> dict[str, dict[str, str]]:
    with contextlib.redirect_stderr(io.StringIO()) as err:
        print_demo_tokens(settings)
    lines = err.getvalue().splitlines()
    tokens: dict[str, dict[str, str]] = {}
    for line, following in itertools.pairwise(lines):
        role, token = ROLE_LINE.match(line), TOKEN_LINE.match(following)
        if role and token:
            tokens[role["role"]] = role.groupdict() | token.groupdict()
    assert sorted(tokens) == ["admin", "compliance", "frontend", "manager"], lines
    return tokens


def count(text: str) -> int:
    return int(text.replace(",", ""))


def seen_with(client: TestClient, printed: dict[str, str], role: str) -> dict[str, Any]:
    """What the printed token sees through HTTP, after checking it names whom the line says."""
    seen: dict[str, Any] = data(client, ME, {"Authorization": f"Bearer {printed['token']}"})
    employee = seen["me"]["employee"]
    assert (employee["id"], employee["name"], employee["position"]) == (
        printed["id"],
        printed["name"],
        printed["position"],
    )
    assert employee["branch"]["name"] == printed["branch"]
    assert seen["me"]["accessRoles"] == [role.upper()]
    return seen


@pytest.mark.parametrize("role", ["frontend", "manager"])
def test_branch_tokens_are_scoped_to_a_sub_branch_and_say_what_they_see(
    client: TestClient, driver: Driver, printout: dict[str, dict[str, str]], role: str
) -> None:
    printed = printout[role]
    seen = seen_with(client, printed, role)
    assert seen["me"]["employee"]["branch"]["kind"] == "SUB_BRANCH"
    assert not seen["me"]["seesAllBranches"]
    scoped = SCOPED.match(printed["sees"])
    assert scoped, printed["sees"]
    # Counted again here, by a query of the test's own: the branch and every branch below it.
    expected = one(
        driver,
        "MATCH (b:Branch {name: $name}) "
        "MATCH (sub:Branch)-[:PART_OF*0..10]->(b) WITH collect(DISTINCT sub) AS branches "
        "RETURN size(branches) AS branches, "
        "COUNT { MATCH (c:Customer)-[:HOME_BRANCH]->(home) WHERE home IN branches } AS n",
        name=printed["branch"],
    )
    total = one(driver, "MATCH (c:Customer) RETURN count(c) AS n")["n"]
    assert count(scoped["n"]) == expected["n"] == seen["customers"]["totalCount"]
    assert 0 < expected["n"] < total
    assert int(scoped["below"]) + 1 == expected["branches"]


@pytest.mark.parametrize("role", ["compliance", "admin"])
def test_head_office_tokens_say_they_see_every_customer(
    client: TestClient, driver: Driver, printout: dict[str, dict[str, str]], role: str
) -> None:
    printed = printout[role]
    seen = seen_with(client, printed, role)
    assert seen["me"]["seesAllBranches"]
    everyone = EVERYONE.match(printed["sees"])
    assert everyone, printed["sees"]
    total = one(driver, "MATCH (c:Customer) RETURN count(c) AS n")["n"]
    assert count(everyone["n"]) == total == seen["customers"]["totalCount"]
