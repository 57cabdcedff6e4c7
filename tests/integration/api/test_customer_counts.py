"""A customer list's totalCount: right for every combination of filters, in and out of scope, and
counted from what the filter names rather than by reading every customer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from itertools import combinations
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from graph.db import Database
from tests.helpers import ApiUser, cypher, data, one
from tests.periods import current
from tests.plans import operators, record_reads

FILTERS = ("segment", "branchId", "managerId", "tagId", "productId", "partyType")
EVERY_COMBINATION = [
    dict.fromkeys(names)
    for size in range(len(FILTERS) + 1)
    for names in combinations(FILTERS, size)
]
PAGE = """
query($filter: CustomerFilterInput, $after: String) {
  customers(first: 100, filter: $filter, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id } }
  }
}
"""


@pytest.fixture(scope="module")
def filter_values(driver: Driver, branch_manager: ApiUser) -> dict[str, str]:
    """Values for every filter that one customer in the manager's scope matches, so that every
    combination lists someone for both callers: its segment, its home branch's parent (a subtree
    reaching beyond the manager's branch), its busiest manager, tag and current product."""
    return one(
        driver,
        "MATCH (c:Customer)-[:HOME_BRANCH]->(b:Branch)-[:PART_OF]->(parent:Branch) "
        "WHERE b.id IN $scope AND EXISTS { (:Employee)-[:MANAGES]->(c) } "
        "AND EXISTS { (c)-[:TAGGED]->() } "
        f"AND EXISTS {{ (c)-[h:HOLDS]->() WHERE {current('h')} }} "
        "WITH c, parent ORDER BY c.id LIMIT 1 "
        "MATCH (e:Employee)-[:MANAGES]->(c) "
        "WITH c, parent, e ORDER BY COUNT { (e)-[:MANAGES]->() } DESC, e.id LIMIT 1 "
        "MATCH (c)-[:TAGGED]->(t:Tag) "
        "WITH c, parent, e, t ORDER BY COUNT { (t)<-[:TAGGED]-() } DESC, t.id LIMIT 1 "
        f"MATCH (c)-[h:HOLDS]->(p:Product) WHERE {current('h')} "
        "WITH c, parent, e, t, p ORDER BY COUNT { (p)<-[:HOLDS]-() } DESC, p.id LIMIT 1 "
        "RETURN c.segment AS segment, parent.id AS branchId, e.id AS managerId, t.id AS tagId, "
        "p.id AS productId, CASE WHEN c:Person THEN 'PERSON' ELSE 'COMPANY' END AS partyType",
        scope=branch_manager.scope,
        today=dt.date.today(),
    )


@pytest.fixture(scope="module")
def customers(driver: Driver, filter_values: dict[str, str]) -> list[dict[str, Any]]:
    """Every customer with what each filter looks at, to work out what a filter should list."""
    return cypher(
        driver,
        "MATCH (c:Customer)-[:HOME_BRANCH]->(home:Branch) "
        "RETURN c.id AS id, home.id AS home, c.segment AS segment, "
        "CASE WHEN c:Person THEN 'PERSON' ELSE 'COMPANY' END AS partyType, "
        "EXISTS { (home)-[:PART_OF*0..]->(:Branch {id: $branch}) } AS branchId, "
        "[(e:Employee)-[:MANAGES]->(c) | e.id] AS managerId, "
        "[(c)-[:TAGGED]->(t:Tag) | t.id] AS tagId, "
        f"[(c)-[h:HOLDS]->(p:Product) WHERE {current('h')} | p.id] AS productId",
        branch=filter_values["branchId"],
        today=dt.date.today(),
    )


def matches(customer: dict[str, Any], where: Mapping[str, str], scope: list[str] | None) -> bool:
    if scope is not None and customer["home"] not in scope:
        return False
    for name, value in where.items():
        held = customer[name]
        if name == "branchId":
            if not held:
                return False
        elif value not in held if isinstance(held, list) else held != value:
            return False
    return True


def page_through(
    client: TestClient, user: ApiUser, where: Mapping[str, str]
) -> tuple[int, list[str]]:
    """The first page's totalCount and the ids of every page."""
    ids: list[str] = []
    total: int | None = None
    after = None
    while True:
        page = data(client, PAGE, user.headers, filter=dict(where), after=after)["customers"]
        total = page["totalCount"] if total is None else total
        ids += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return total, ids
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize("caller", ["admin", "branch_manager"])
def test_every_filter_combination_counts_what_it_pages(
    client: TestClient,
    request: pytest.FixtureRequest,
    filter_values: dict[str, str],
    customers: list[dict[str, Any]],
    caller: str,
) -> None:
    """totalCount is counted from the most selective part of the filter; whichever that is, it
    must equal the customers the pages list, and the customers the filter and scope select."""
    user: ApiUser = request.getfixturevalue(caller)
    for names in EVERY_COMBINATION:
        where = {name: filter_values[name] for name in names}
        total, ids = page_through(client, user, where)
        expected = {c["id"] for c in customers if matches(c, where, user.scope)}
        assert (total, len(ids), set(ids)) == (len(expected), len(expected), expected), where
        assert expected, where


# Plan operators that read every node of a label, every entry of an index or every relationship
# of a type: what a count must not do when the filter or the scope names something to start from.
SCANS = {
    "AllNodesScan",
    "NodeByLabelScan",
    "IntersectionNodeByLabelsScan",
    "UnionNodeByLabelsScan",
    "SubtractionNodeByLabelsScan",
    "NodeIndexScan",
    "NodeIndexContainsScan",
    "NodeIndexEndsWithScan",
    "DirectedRelationshipTypeScan",
    "UndirectedRelationshipTypeScan",
    "DirectedAllRelationshipsScan",
    "UndirectedAllRelationshipsScan",
    "DirectedRelationshipIndexScan",
    "UndirectedRelationshipIndexScan",
}


@pytest.mark.parametrize("caller", ["admin", "branch_manager"])
def test_a_count_starts_from_what_the_filter_or_scope_names(
    client: TestClient,
    driver: Driver,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    filter_values: dict[str, str],
    caller: str,
) -> None:
    """Counting once read every customer whatever the filter (8-9 times the cost of the page on a
    100,000-customer bank). A count must start from an index seek on what the filter or the
    caller's scope names (a manager, a product, a tag, branches, a segment), or read the label
    count store; only a party type alone, for a caller who sees every branch, leaves a scan of
    customers by label."""
    user: ApiUser = request.getfixturevalue(caller)
    db: Database = client.app.state.relgraph.db  # type: ignore[attr-defined]
    sent = record_reads(db, monkeypatch)
    for names in EVERY_COMBINATION:
        where = {name: filter_values[name] for name in names}
        sent.clear()
        data(
            client,
            "query($f: CustomerFilterInput) { customers(filter: $f) { totalCount } }",
            user.headers,
            f=where,
        )
        counts = [(q, p) for q, p in sent if q.name.startswith("customers_count")]
        assert len(counts) == 1, (where, [q.name for q, _ in sent])
        query, params = counts[0]
        with driver.session() as session:
            plan = session.run(f"EXPLAIN {query.text}", dict(params)).consume().plan
        assert plan is not None
        scans = set(operators(plan)) & SCANS
        if user.scope is None and set(names) == {"partyType"}:
            continue
        assert scans == set(), (where, query.name, scans)


def test_a_branch_outside_the_scope_counts_nothing(
    client: TestClient, driver: Driver, branch_manager: ApiUser, admin: ApiUser
) -> None:
    """The branches a count starts from are those of the filter that the scope holds too: a
    branch outside the scope leaves none, however many customers it has."""
    assert branch_manager.scope is not None
    other = one(
        driver,
        "MATCH (b:Branch)<-[:HOME_BRANCH]-(:Customer) WHERE NOT b.id IN $scope "
        "RETURN b.id AS id, count(*) AS n ORDER BY n DESC, id LIMIT 1",
        scope=branch_manager.scope,
    )
    where = {"branchId": other["id"]}
    assert page_through(client, branch_manager, where) == (0, [])
    total, ids = page_through(client, admin, where)
    assert total == len(ids) >= other["n"] > 0
