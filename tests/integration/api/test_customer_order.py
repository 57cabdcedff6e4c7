"""The customers list in each sort order, over HTTP against the real bank: names in pinyin order,
and assets that stay numbers whatever a load file held."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver
from pypinyin import Style, pinyin

from graph.db import Neo4jConfig
from loaders.names import SURNAME_READINGS
from tests.helpers import ApiUser, a_branch_and_products, cypher, data, gql
from tests.loading import load

PAGE = """
query($first: Int, $after: String, $sort: CustomerSortInput) {
  customers(first: $first, after: $after, sort: $sort) {
    pageInfo { hasNextPage endCursor }
    edges { node { id name partyType assets } }
  }
}
"""


def _pages(client: TestClient, user: ApiUser, sort: dict[str, Any], pages: int) -> list[Any]:
    nodes: list[Any] = []
    after = None
    for _ in range(pages):
        page = data(client, PAGE, user.headers, first=50, after=after, sort=sort)["customers"]
        nodes += [edge["node"] for edge in page["edges"]]
        after = page["pageInfo"]["endCursor"]
    return nodes


def _pinyin_order(name: str, person: bool) -> list[tuple[str, int, str]]:
    """What a Chinese reader sorts a name by, character by character: the syllable, its tone,
    then the character (for two characters read alike). A person's name starts with the
    surname, read as a surname (曾 zēng, not céng)."""
    readings = [r[0] for r in pinyin(name, style=Style.TONE3, neutral_tone_with_five=True)]
    if person:
        for surname, read in SURNAME_READINGS.items():
            if name.startswith(surname):
                readings[: len(surname)] = list(read)
                break
    order = []
    for char, reading in zip(name, readings, strict=True):
        syllable, tone = reading[:-1], reading[-1]
        if syllable.isascii() and syllable.isalpha() and tone.isdigit():
            order.append((syllable, int(tone), char))
        elif not char.isspace():
            # Other characters stand for themselves, in one width and lower case.
            order.append((unicodedata.normalize("NFKC", char).lower(), 0, ""))
    return order


@pytest.mark.parametrize("descending", [False, True])
def test_customers_by_name_are_in_pinyin_order_across_pages(
    client: TestClient, driver: Driver, admin: ApiUser, descending: bool
) -> None:
    nodes = _pages(client, admin, {"field": "NAME", "descending": descending}, pages=3)
    everyone = cypher(driver, "MATCH (c:Customer) RETURN c.name AS name, c:Person AS person")
    expected = sorted(
        everyone, key=lambda c: _pinyin_order(c["name"], c["person"]), reverse=descending
    )
    assert [n["name"] for n in nodes] == [c["name"] for c in expected[: len(nodes)]]
    assert len(nodes) == 150 and len({n["id"] for n in nodes}) == 150
    # The bank's names are Chinese, and code-point order is a different order.
    names = [n["name"] for n in nodes]
    assert names != sorted(names, reverse=descending)


@pytest.fixture
def holder_of_infinity(
    neo4j_config: Neo4jConfig, driver: Driver, tmp_path: Path
) -> Iterator[tuple[str, Any]]:
    """A customer whose load file gave one holding as `Infinity` and one as 9e14 yuan."""
    branch, products = a_branch_and_products(driver, 2)
    party = "INFX1"
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "persons.csv").write_text(f"id,name\n{party},钱多多\n", "utf-8")
    (folder / "customers.csv").write_text(
        f"party_id,since,segment,home_branch_id\n{party},2020-01-01,KEY,{branch}\n", "utf-8"
    )
    (folder / "holds.csv").write_text(
        "holder_id,product_id,amount\n"
        f"{party},{products[0]},Infinity\n{party},{products[1]},900000000000000\n",
        "utf-8",
    )
    try:
        yield party, load(neo4j_config, folder)
    finally:
        with driver.session() as session:
            session.run("MATCH (p:Party {id: $id}) DETACH DELETE p", id=party).consume()


def test_an_infinite_holding_is_rejected_and_the_assets_sort_still_answers(
    client: TestClient, admin: ApiUser, holder_of_infinity: tuple[str, Any]
) -> None:
    party, summary = holder_of_infinity
    assert [(r.file, r.line, r.field) for r in summary.rejects] == [("holds.csv", 2, "amount")]
    body = gql(client, PAGE, admin.headers, first=5, sort={"field": "ASSETS", "descending": True})
    assert "errors" not in body, body["errors"]
    top = body["data"]["customers"]["edges"][0]["node"]
    assert (top["id"], top["assets"]) == (party, "900000000000000.00")
