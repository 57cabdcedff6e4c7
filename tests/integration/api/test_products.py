"""The product view: issuer, lead and co-underwriters, paginated holders, holders' segments."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from graph.db import Database
from graph.money import from_fen
from queries import CypherQuery
from schema.core.pagination import encode_cursor
from tests.helpers import ApiUser, cypher, data, error_codes, gql, one
from tests.periods import current
from tests.plans import operators, record_reads

PRODUCT = """
query($id: ID!, $first: Int, $after: String) {
  product(id: $id) {
    id name type riskRating issueSize
    issuer { id name }
    leadUnderwriter { role share underwriter { id } }
    coUnderwriters { role underwriter { id } }
    holders(first: $first, after: $after) {
      totalCount totalAmount pageInfo { hasNextPage endCursor }
      edges { node { amount shareOfIssue holderParty { id } } }
    }
    holderSegments { segment holders }
  }
}
"""


@pytest.fixture(scope="module")
def instrument(driver: Driver) -> dict[str, Any]:
    return one(
        driver,
        "MATCH (p:Product {type: 'DEBT_INSTRUMENT'})<-[:UNDERWROTE {role: 'LEAD'}]-(lead), "
        f"(issuer)-[:ISSUED]->(p) WITH p, lead, issuer, COUNT {{ ()-[h:HOLDS]->(p) WHERE "
        f"{current('h')} }} AS holders WHERE holders >= 3 "
        "RETURN p.id AS id, p.issue_size_fen AS size_fen, issuer.id AS issuer, lead.id AS lead, "
        "[(co)-[:UNDERWROTE {role: 'CO'}]->(p) | co.id] AS co, "
        "holders ORDER BY holders DESC, p.id LIMIT 1",
        today=dt.date.today(),
    )


def test_a_debt_instrument_shows_issuer_underwriters_and_holders(
    client: TestClient, driver: Driver, admin: ApiUser, instrument: dict[str, Any]
) -> None:
    product = data(client, PRODUCT, admin.headers, id=instrument["id"], first=2)["product"]
    assert product["type"] == "DEBT_INSTRUMENT"
    assert product["issuer"]["id"] == instrument["issuer"]
    assert product["leadUnderwriter"]["role"] == "LEAD"
    assert product["leadUnderwriter"]["underwriter"]["id"] == instrument["lead"]
    assert sorted(u["underwriter"]["id"] for u in product["coUnderwriters"]) == sorted(
        instrument["co"]
    )
    holders = product["holders"]
    assert holders["totalCount"] == instrument["holders"]
    assert len(holders["edges"]) == 2 and holders["pageInfo"]["hasNextPage"]
    for edge in holders["edges"]:
        node = edge["node"]
        share = Decimal(node["amount"]) / from_fen(instrument["size_fen"])
        assert node["shareOfIssue"] == pytest.approx(float(share))
    truth = cypher(
        driver,
        f"MATCH (h)-[r:HOLDS]->(:Product {{id: $id}}) WHERE {current('r')} "
        "RETURN h.id AS id, r.amount_fen AS fen ORDER BY r.amount_fen DESC, h.id",
        id=instrument["id"],
        today=dt.date.today(),
    )
    assert [e["node"]["holderParty"]["id"] for e in holders["edges"]] == [
        t["id"] for t in truth[:2]
    ]
    assert holders["totalAmount"] == str(from_fen(sum(t["fen"] for t in truth)))


def test_holders_page_through_every_holder_once(
    client: TestClient, admin: ApiUser, instrument: dict[str, Any]
) -> None:
    seen: list[str] = []
    after = None
    while True:
        page = data(client, PRODUCT, admin.headers, id=instrument["id"], first=2, after=after)[
            "product"
        ]["holders"]
        seen += [e["node"]["holderParty"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == instrument["holders"]


def test_two_pages_of_one_product_in_one_request(
    client: TestClient, admin: ApiUser, instrument: dict[str, Any]
) -> None:
    """Both aliases are batched into one statement; each must get its own page back."""
    ids = "edges { node { holderParty { id } } }"
    query = (
        "query($id: ID!, $after: String) { product(id: $id) { "
        f"top: holders(first: 1) {{ {ids} }} "
        f"next: holders(first: 1, after: $after) {{ {ids} }} }} }}"
    )
    two = data(client, PRODUCT, admin.headers, id=instrument["id"], first=2)["product"]
    expected = [e["node"]["holderParty"]["id"] for e in two["holders"]["edges"]]
    one_ = data(client, PRODUCT, admin.headers, id=instrument["id"], first=1)["product"]
    cursor = one_["holders"]["pageInfo"]["endCursor"]
    both = data(client, query, admin.headers, id=instrument["id"], after=cursor)["product"]
    assert [e["node"]["holderParty"]["id"] for e in both["top"]["edges"]] == expected[:1]
    assert [e["node"]["holderParty"]["id"] for e in both["next"]["edges"]] == expected[1:2]


def test_holder_segments_count_customer_holders(
    client: TestClient, driver: Driver, admin: ApiUser, instrument: dict[str, Any]
) -> None:
    segments = data(client, PRODUCT, admin.headers, id=instrument["id"], first=1)["product"][
        "holderSegments"
    ]
    truth = cypher(
        driver,
        f"MATCH (c:Customer)-[h:HOLDS]->(:Product {{id: $id}}) WHERE {current('h')} "
        "RETURN c.segment AS segment, count(*) AS holders",
        id=instrument["id"],
        today=dt.date.today(),
    )
    assert {s["segment"]: s["holders"] for s in segments} == {
        t["segment"]: t["holders"] for t in truth
    }


HOLDERS_AND_SEGMENTS = """
query($id: ID!, $first: Int, $after: String) {
  product(id: $id) {
    holders(first: $first, after: $after%s) {
      totalCount totalAmount pageInfo { hasNextPage endCursor }
      edges { node { amount %s until holderParty { id } } }
    }
    holderSegments%s { segment holders }
  }
}
"""
# By default, in the document a client written before includeEnded existed would send.
DEFAULT_HOLDERS = HOLDERS_AND_SEGMENTS % ("", "", "")
EVERY_HOLDER = HOLDERS_AND_SEGMENTS % (", includeEnded: true", "current", "(includeEnded: true)")


def _every_holder(
    client: TestClient, user: ApiUser, product_id: str, first: int, document: str
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every holder, paging `first` at a time, and the last page's product (totals, segments)."""
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        product = data(client, document, user.headers, id=product_id, first=first, after=after)[
            "product"
        ]
        page = product["holders"]
        nodes += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes, product
        after = page["pageInfo"]["endCursor"]


@pytest.fixture
def product_with_ended_positions(driver: Driver) -> Iterator[str]:
    """A product with current and ended positions. The bank's products end all their positions
    at once (a matured product), so two positions of a current one are ended yesterday for the
    test, and restored afterwards."""
    today = dt.date.today()
    product = one(
        driver,
        f"MATCH (p:Product)<-[h:HOLDS]-(:Customer) WHERE {current('h')} WITH p, count(*) AS n "
        "WHERE n >= 6 RETURN p.id AS id ORDER BY n, p.id LIMIT 1",
        today=today,
    )["id"]
    ended = cypher(
        driver,
        f"MATCH (:Product {{id: $id}})<-[h:HOLDS]-(x:Customer) WHERE {current('h')} "
        "WITH h, x ORDER BY h.amount_fen DESC, x.id SKIP 1 LIMIT 2 "
        "SET h.test_until = coalesce(h.until, 'none'), h.until = $yesterday RETURN x.id AS id",
        id=product,
        today=today,
        yesterday=today - dt.timedelta(days=1),
    )
    assert len(ended) == 2
    try:
        yield str(product)
    finally:
        driver.execute_query(
            "MATCH ()-[h:HOLDS]->() WHERE h.test_until IS NOT NULL "
            "SET h.until = CASE h.test_until WHEN 'none' THEN null ELSE h.test_until END "
            "REMOVE h.test_until"
        )


@pytest.mark.parametrize("ended", [False, True])
def test_holders_are_current_positions_unless_ended_ones_are_asked_for(
    client: TestClient,
    driver: Driver,
    admin: ApiUser,
    product_with_ended_positions: str,
    ended: bool,
) -> None:
    """78,449 positions of the bench bank ended before today, yet holders listed them. Holders
    (the list, its totalCount and totalAmount, holderSegments) are the current positions unless
    includeEnded asks for all; each says whether it is current. Paged three at a time, the order
    (amount, then holder id) holds across page boundaries."""
    truth = cypher(
        driver,
        "MATCH (x:Party)-[h:HOLDS]->(:Product {id: $id}) "
        f"RETURN x.id AS id, x.segment AS segment, h.amount_fen AS fen, {current('h')} AS current "
        "ORDER BY h.amount_fen DESC, x.id",
        id=product_with_ended_positions,
        today=dt.date.today(),
    )
    assert any(not t["current"] for t in truth) and any(t["current"] for t in truth)
    expected = [t for t in truth if ended or t["current"]]
    document = EVERY_HOLDER if ended else DEFAULT_HOLDERS
    nodes, product = _every_holder(client, admin, product_with_ended_positions, 3, document)
    assert [n["holderParty"]["id"] for n in nodes] == [t["id"] for t in expected]
    if ended:
        assert [n["current"] for n in nodes] == [t["current"] for t in expected]
    holders = product["holders"]
    assert holders["totalCount"] == len(expected)
    assert holders["totalAmount"] == str(from_fen(sum(t["fen"] for t in expected)))
    segments = Counter(t["segment"] for t in expected if t["segment"] is not None)
    assert {s["segment"]: s["holders"] for s in product["holderSegments"]} == segments


def test_the_largest_holders_page_is_the_top_of_every_holder(
    client: TestClient, driver: Driver, admin: ApiUser
) -> None:
    """A page is the top of the holders by amount then id, taken without sorting them all:
    pages of different products and windows batched into one statement must each be exact."""
    products = cypher(
        driver,
        f"MATCH (p:Product)<-[h:HOLDS]-() WHERE {current('h')} WITH p, count(*) AS n "
        "RETURN p.id AS id ORDER BY n DESC, p.id LIMIT 2",
        today=dt.date.today(),
    )
    truth = {
        p["id"]: [
            r["id"]
            for r in cypher(
                driver,
                f"MATCH (x:Party)-[h:HOLDS]->(:Product {{id: $id}}) WHERE {current('h')} "
                "RETURN x.id AS id ORDER BY h.amount_fen DESC, x.id",
                id=p["id"],
                today=dt.date.today(),
            )
        ]
        for p in products
    }
    big, small = (p["id"] for p in products)
    ids = "edges { node { holderParty { id } } }"
    query = (
        "query($big: ID!, $small: ID!, $after: String) { "
        f"a: product(id: $big) {{ top: holders(first: 50) {{ {ids} }} "
        f"deep: holders(first: 7, after: $after) {{ {ids} }} }} "
        f"b: product(id: $small) {{ top: holders(first: 3) {{ {ids} }} }} }}"
    )
    cursor = data(client, PRODUCT, admin.headers, id=big, first=60)["product"]["holders"]
    got = data(
        client, query, admin.headers, big=big, small=small, after=cursor["pageInfo"]["endCursor"]
    )

    def holder_ids(page: dict[str, Any]) -> list[str]:
        return [e["node"]["holderParty"]["id"] for e in page["edges"]]

    assert holder_ids(got["a"]["top"]) == truth[big][:50]
    assert holder_ids(got["a"]["deep"]) == truth[big][60:67]
    assert holder_ids(got["b"]["top"]) == truth[small][:3]


def _holders_statement(
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    user: ApiUser,
    product_id: str,
    after: str | None,
) -> tuple[CypherQuery, Mapping[str, Any]]:
    """The holders statement, with its parameters, that a page of 50 holders sends."""
    db: Database = client.app.state.relgraph.db  # type: ignore[attr-defined]
    with monkeypatch.context() as patch:
        sent = record_reads(db, patch)
        data(client, PRODUCT, user.headers, id=product_id, first=50, after=after)
    [statement] = [(q, p) for q, p in sent if q.name == "holders_of_products"]
    return statement


def test_a_holders_page_sorts_no_more_than_the_page(
    client: TestClient,
    driver: Driver,
    admin: ApiUser,
    instrument: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """holders(first: 50) sorted every holder (50,104 on the largest product of the bench bank)
    to slice a page: the plan must take the page as a top-N (Top), never a full Sort."""
    query, params = _holders_statement(client, monkeypatch, admin, instrument["id"], None)
    with driver.session() as session:
        plan = session.run(f"EXPLAIN {query.text}", dict(params)).consume().plan
    assert plan is not None
    names = set(operators(plan))
    assert "Top" in names and "Sort" not in names, names


def test_a_deep_holders_page_takes_memory_in_proportion_to_the_holders(
    client: TestClient, driver: Driver, admin: ApiUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Neo4j charges a top-N, for each row it keeps, every list the row holds: a page fed from a
    list of every holder cost (holders x page end) list entries, 1.1 GB for one page of the
    largest bench product. The last page of the test bank's largest product must stay within a
    few kilobytes per holder."""
    product = one(
        driver,
        "MATCH (p:Product) RETURN p.id AS id, COUNT { ()-[:HOLDS]->(p) } AS n "
        "ORDER BY n DESC, id LIMIT 1",
    )
    query, params = _holders_statement(
        client, monkeypatch, admin, product["id"], encode_cursor(product["n"] - 10)
    )
    with driver.session() as session:
        profile = session.run(f"PROFILE {query.text}", dict(params)).consume().profile
    assert profile is not None
    assert profile["args"]["GlobalMemory"] < 4096 * product["n"]


def test_products_filter_by_type(client: TestClient, driver: Driver, admin: ApiUser) -> None:
    total = one(driver, "MATCH (p:Product {type: 'DEPOSIT'}) RETURN count(p) AS n")["n"]
    page = data(
        client,
        "{ products(first: 100, filter: {type: DEPOSIT}) { totalCount edges { node { type } } } }",
        admin.headers,
    )["products"]
    assert page["totalCount"] == total > 0
    assert {e["node"]["type"] for e in page["edges"]} == {"DEPOSIT"}


def test_unknown_product_is_not_found(client: TestClient, admin: ApiUser) -> None:
    assert error_codes(gql(client, '{ product(id: "NOPE") { id } }', admin.headers)) == [
        "NOT_FOUND"
    ]


def test_org_views(client: TestClient, driver: Driver, admin: ApiUser) -> None:
    branch = one(
        driver,
        "MATCH (b:Branch) WHERE EXISTS { (:Branch)-[:PART_OF]->(b) } "
        "AND EXISTS { (:Employee)-[:WORKS_AT]->(b) } RETURN b.id AS id, "
        "COUNT { (:Branch)-[:PART_OF]->(b) } AS children ORDER BY b.id LIMIT 1",
    )
    got = data(
        client,
        "query($id: ID!) { branch(id: $id) { id kind children { id parent { id } } "
        "employees { id roles branch { id } } customers(first: 1) { totalCount } } }",
        admin.headers,
        id=branch["id"],
    )["branch"]
    assert len(got["children"]) == branch["children"]
    assert {c["parent"]["id"] for c in got["children"]} == {branch["id"]}
    assert got["employees"] and {e["branch"]["id"] for e in got["employees"]} == {branch["id"]}
    subtree_customers = one(
        driver,
        "MATCH (c:Customer)-[:HOME_BRANCH]->(:Branch)-[:PART_OF*0..10]->(:Branch {id: $id}) "
        "RETURN count(DISTINCT c) AS n",
        id=branch["id"],
    )["n"]
    assert got["customers"]["totalCount"] == subtree_customers

    manager = one(
        driver,
        "MATCH (e:Employee)-[:MANAGES]->(c:Customer) RETURN e.id AS id, count(c) AS n "
        "ORDER BY n DESC, id LIMIT 1",
    )
    employee = data(
        client,
        "query($id: ID!) { employee(id: $id) { id customers(first: 100) { totalCount } } }",
        admin.headers,
        id=manager["id"],
    )["employee"]
    assert employee["customers"]["totalCount"] == manager["n"]
