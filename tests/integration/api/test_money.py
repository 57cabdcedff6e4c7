"""Money over HTTP against the real Neo4j: every amount is a Decimal, a string with two places,
and sums of many amounts are exact (0.10 + 0.20 is 0.30, which no float sum gives)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from graph.db import Neo4jConfig
from tests.helpers import ApiUser, a_branch_and_products, data, one
from tests.loading import load

PARTY = "MONEY1"
HOLDINGS = 30  # alternately 0.10 and 0.20 yuan: 4.50 in all
CUSTOMER = """
query($id: ID!) {
  customer(id: $id) {
    assets
    holdings(first: 50) { totalCount edges { node { amount } } }
    fees { billed paid owed overdue byProduct { billed paid owed items { billed paid owed } } }
  }
}
"""


def _write_bank(folder: Path, branch: str, products: list[str]) -> None:
    folder.mkdir()
    (folder / "persons.csv").write_text(f"id,name\n{PARTY},分厘毫\n", "utf-8")
    (folder / "customers.csv").write_text(
        f"party_id,since,segment,home_branch_id\n{PARTY},2020-01-01,VALUE,{branch}\n", "utf-8"
    )
    (folder / "holds.csv").write_text(
        "holder_id,product_id,amount\n"
        + "".join(
            f"{PARTY},{product},{'0.10' if i % 2 == 0 else '0.2'}\n"
            for i, product in enumerate(products)
        ),
        "utf-8",
    )
    # Two fees of one product, one not yet due: billed 0.10 + 0.20, paid 0.00 + 0.10.
    (folder / "fees.csv").write_text(
        "id,party_id,product_id,period,billed,paid,billed_on,due_on\n"
        f"MONEYF1,{PARTY},{products[0]},2026-10,0.10,0,2026-10-31,2026-11-30\n"
        f"MONEYF2,{PARTY},{products[0]},2026-11,0.20,0.10,2026-11-30,2099-12-31\n",
        "utf-8",
    )


@pytest.fixture
def cent_customer(
    neo4j_config: Neo4jConfig, driver: Driver, tmp_path: Path
) -> Iterator[tuple[Path, Any]]:
    """A customer holding 30 products at 0.10 and 0.20 yuan, with two fees of cents."""
    branch, products = a_branch_and_products(driver, HOLDINGS)
    assert len(products) == HOLDINGS
    folder = tmp_path / "cents"
    _write_bank(folder, branch, products)
    try:
        yield folder, load(neo4j_config, folder)
    finally:
        with driver.session() as session:
            session.run(
                "MATCH (p:Party {id: $id}) OPTIONAL MATCH (p)-[:BILLED]->(f:Fee) "
                "DETACH DELETE f, p",
                id=PARTY,
            ).consume()


def test_money_fields_answer_exact_strings_with_two_decimals(
    client: TestClient, admin: ApiUser, cent_customer: tuple[Path, Any]
) -> None:
    _, summary = cent_customer
    assert summary.rejects == []
    customer = data(client, CUSTOMER, admin.headers, id=PARTY)["customer"]
    amounts = [e["node"]["amount"] for e in customer["holdings"]["edges"]]
    assert customer["holdings"]["totalCount"] == HOLDINGS
    # "0.2" in the load file answers "0.20": a Decimal string, not a JSON number.
    assert sorted(amounts) == ["0.10"] * 15 + ["0.20"] * 15
    # Fifteen 0.10s and fifteen 0.20s: a float sum of them is 4.500000000000002.
    assert customer["assets"] == "4.50"
    fees = customer["fees"]
    assert (fees["billed"], fees["paid"], fees["owed"], fees["overdue"]) == (
        "0.30",
        "0.10",
        "0.20",
        "0.10",
    )
    (product,) = fees["byProduct"]
    assert (product["billed"], product["paid"], product["owed"]) == ("0.30", "0.10", "0.20")
    assert sorted((i["billed"], i["paid"], i["owed"]) for i in product["items"]) == [
        ("0.10", "0.00", "0.10"),
        ("0.20", "0.10", "0.10"),
    ]


def test_money_is_stored_as_integer_fen_and_a_second_load_changes_nothing(
    neo4j_config: Neo4jConfig, driver: Driver, cent_customer: tuple[Path, Any]
) -> None:
    folder, _ = cent_customer
    stored = """
        MATCH (c:Customer {id: $id})
        RETURN c.assets_fen AS assets, c.assets AS old_assets,
               [(c)-[h:HOLDS]->() | h.amount_fen] AS holdings,
               [(c)-[h:HOLDS]->() WHERE h.amount IS NOT NULL | h] AS float_holdings,
               [(c)-[:BILLED]->(f:Fee) | [f.billed_fen, f.paid_fen, f.owed_fen]] AS fees
    """
    first = one(driver, stored, id=PARTY)
    assert first["assets"] == 450 and first["old_assets"] is None
    assert sorted(first["holdings"]) == [10] * 15 + [20] * 15
    assert all(type(fen) is int for fen in first["holdings"]) and first["float_holdings"] == []
    assert sorted(first["fees"]) == [[10, 0, 10], [20, 10, 10]]
    again = load(neo4j_config, folder)
    assert again.rejects == []
    assert one(driver, stored, id=PARTY) == first
