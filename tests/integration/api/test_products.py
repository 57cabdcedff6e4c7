"""The product view: issuer, lead and co-underwriters, paginated holders, holders' segments."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from tests.helpers import ApiUser, cypher, data, error_codes, gql, one

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
        "(issuer)-[:ISSUED]->(p) WHERE COUNT { ()-[:HOLDS]->(p) } >= 3 "
        "RETURN p.id AS id, p.issue_size AS size, issuer.id AS issuer, lead.id AS lead, "
        "[(co)-[:UNDERWROTE {role: 'CO'}]->(p) | co.id] AS co, "
        "COUNT { ()-[:HOLDS]->(p) } AS holders ORDER BY holders DESC, p.id LIMIT 1",
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
        assert node["shareOfIssue"] == pytest.approx(node["amount"] / instrument["size"])
    truth = cypher(
        driver,
        "MATCH (h)-[r:HOLDS]->(:Product {id: $id}) RETURN h.id AS id, r.amount AS amount "
        "ORDER BY r.amount DESC, h.id",
        id=instrument["id"],
    )
    assert [e["node"]["holderParty"]["id"] for e in holders["edges"]] == [
        t["id"] for t in truth[:2]
    ]
    assert holders["totalAmount"] == pytest.approx(sum(t["amount"] for t in truth))


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
        "MATCH (c:Customer)-[:HOLDS]->(:Product {id: $id}) RETURN c.segment AS segment, "
        "count(*) AS holders",
        id=instrument["id"],
    )
    assert {s["segment"]: s["holders"] for s in segments} == {
        t["segment"]: t["holders"] for t in truth
    }


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
