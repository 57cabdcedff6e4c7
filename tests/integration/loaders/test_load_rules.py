"""Rows the loader must refuse one by one, while every other row of the file loads: numbers that
are not finite, a key repeated in one file, and CSV quoting that would run into the next line."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from neo4j import Driver

from graph.db import Neo4jConfig
from loaders.ingest import LoadSummary
from tests.helpers import cypher, one
from tests.loading import load

PREFIX = "LRX"  # the ids of this module's rows; deleted after each test

LoadFiles = Callable[[dict[str, str]], LoadSummary]


@pytest.fixture
def load_files(
    first_load: LoadSummary, neo4j_config: Neo4jConfig, driver: Driver, tmp_path: Path
) -> Iterator[LoadFiles]:
    """Loads a folder of the given files (name → text, written as UTF-8 bytes, line ends kept)
    beside the shared bank."""

    def run(files: dict[str, str]) -> LoadSummary:
        folder = tmp_path / f"bank{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        for name, text in files.items():
            (folder / name).write_bytes(text.encode("utf-8"))
        return load(neo4j_config, folder)

    yield run
    with driver.session() as session:
        session.run("MATCH (n) WHERE n.id STARTS WITH $p DETACH DELETE n", p=PREFIX).consume()


def _rejects(summary: LoadSummary) -> dict[tuple[str, int], tuple[str, str]]:
    return {(r.file, r.line): (r.field, r.reason) for r in summary.rejects}


def _a_product(driver: Driver) -> str:
    return str(one(driver, "MATCH (p:Product) RETURN p.id AS id ORDER BY p.id LIMIT 1")["id"])


NOT_FINITE_CSV = ["Infinity", "inf", "-inf", "+Infinity", "NaN", "nan", "1e309", "-1e309"]


def test_numbers_that_are_not_finite_are_rejected_in_csv_and_jsonl(
    driver: Driver, load_files: LoadFiles
) -> None:
    product = _a_product(driver)
    holders = [f"{PREFIX}H{i}" for i in range(len(NOT_FINITE_CSV) + 1)]
    persons = "id,name\n" + "".join(f"{h},持有人{i}\n" for i, h in enumerate(holders))
    holds = "holder_id,product_id,amount\n" + "".join(
        f"{holder},{product},{amount}\n"
        for holder, amount in zip(holders, [*NOT_FINITE_CSV, "1250000.50"], strict=True)
    )
    companies = [
        f'{{"id": "{PREFIX}C1", "name": "无限公司", "registered_capital": Infinity}}',
        f'{{"id": "{PREFIX}C2", "name": "非数公司", "registered_capital": NaN}}',
        f'{{"id": "{PREFIX}C3", "name": "负无限公司", "registered_capital": -Infinity}}',
        f'{{"id": "{PREFIX}C4", "name": "溢出公司", "registered_capital": 1e309}}',
        f'{{"id": "{PREFIX}C5", "name": "文字公司", "registered_capital": "inf"}}',
        f'{{"id": "{PREFIX}C6", "name": "正常公司", "registered_capital": 5000000}}',
    ]
    summary = load_files(
        {
            "persons.csv": persons,
            "holds.csv": holds,
            "companies.jsonl": "\n".join(companies) + "\n",
        }
    )
    rejects = _rejects(summary)
    for line in range(2, 2 + len(NOT_FINITE_CSV)):
        assert rejects.pop(("holds.csv", line))[0:1] == ("amount",), line
    # JSON has no Infinity or NaN: the three literals are not JSON; 1e309 is, but not finite.
    for line in (1, 2, 3):
        field, reason = rejects.pop(("companies.jsonl", line))
        assert (field, "invalid JSON") == ("row", reason[: len("invalid JSON")])
    # Money is exact: 1e309 is read exactly and is beyond any amount; "inf" is not finite.
    assert rejects.pop(("companies.jsonl", 4)) == (
        "registered_capital",
        "Decimal('1E+309') is larger than any amount relgraph holds (got Decimal('1E+309'))",
    )
    assert rejects.pop(("companies.jsonl", 5)) == (
        "registered_capital",
        "money must be a finite number, got 'inf' (got 'inf')",
    )
    assert rejects == {}
    reasons = [r.reason.split(", got")[0] for r in summary.rejects if r.file == "holds.csv"]
    assert reasons == [
        *["money must be a finite number"] * 6,
        "'1e309' is larger than any amount relgraph holds (got '1e309')",
        "'-1e309' is larger than any amount relgraph holds (got '-1e309')",
    ]

    stored = cypher(
        driver,
        "MATCH (h:Person)-[r:HOLDS]->() WHERE h.id STARTS WITH $p "
        "RETURN h.id AS id, r.amount_fen AS a",
        p=PREFIX,
    )
    assert stored == [{"id": holders[-1], "a": 125000050}]
    companies_stored = cypher(
        driver,
        "MATCH (c:Company) WHERE c.id STARTS WITH $p "
        "RETURN c.id AS id, c.registered_capital_fen AS k",
        p=PREFIX,
    )
    assert companies_stored == [{"id": f"{PREFIX}C6", "k": 500000000}]


def test_money_beyond_any_real_amount_is_rejected_so_sums_stay_finite(
    driver: Driver, load_files: LoadFiles
) -> None:
    """Two holdings of 1e308 are each finite, but a customer's assets (their sum) would not be."""
    products = [
        r["id"] for r in cypher(driver, "MATCH (p:Product) RETURN p.id AS id ORDER BY p.id LIMIT 2")
    ]
    holder = f"{PREFIX}B1"
    summary = load_files(
        {
            "persons.csv": f"id,name\n{holder},大户\n",
            "holds.csv": "holder_id,product_id,amount\n"
            + "".join(f"{holder},{p},1e308\n" for p in products),
        }
    )
    assert {(r.file, r.line, r.field) for r in summary.rejects} == {
        ("holds.csv", 2, "amount"),
        ("holds.csv", 3, "amount"),
    }


def test_a_holding_with_three_decimal_places_is_rejected_with_file_line_and_field(
    driver: Driver, load_files: LoadFiles
) -> None:
    """Money is exact to the fen: 0.125 would have to be rounded, so it is refused, not stored."""
    product = _a_product(driver)
    holder = f"{PREFIX}F1"
    summary = load_files(
        {
            "persons.csv": f"id,name\n{holder},分毫\n",
            "holds.csv": f"holder_id,product_id,amount\n{holder},{product},1234.505\n",
        }
    )
    assert [(r.file, r.line, r.field, r.reason) for r in summary.rejects] == [
        (
            "holds.csv",
            2,
            "amount",
            "money has at most two decimal places (fen), got '1234.505' (got '1234.505')",
        )
    ]
    assert not cypher(
        driver, "MATCH (:Person {id: $id})-[r:HOLDS]->() RETURN r.amount_fen AS a", id=holder
    )


def test_a_key_repeated_in_one_file_is_rejected_naming_the_first_line(
    driver: Driver, load_files: LoadFiles
) -> None:
    product = _a_product(driver)
    summary = load_files(
        {
            "persons.csv": (
                f"id,name\n{PREFIX}D1,王一\n{PREFIX}D2,李二\n{PREFIX}D1,王一改\n"
                f" {PREFIX}D2 ,李二改\n{PREFIX}D3,张三\n"
            ),
            # A part is a file of its own: a key it shares with the plain file updates the row.
            "persons.later.csv": f"id,name\n{PREFIX}D3,张三新\n",
            "companies.jsonl": (
                f'{{"id": "{PREFIX}E1", "name": "甲公司"}}\n'
                f'{{"id": "{PREFIX}E1", "name": "乙公司"}}\n'
            ),
            "holds.csv": (
                "holder_id,product_id,amount\n"
                f"{PREFIX}D1,{product},100\n{PREFIX}D2,{product},5\n{PREFIX}D1,{product},200\n"
            ),
        }
    )
    assert {(r.file, r.line, r.field, r.reason) for r in summary.rejects} == {
        ("persons.csv", 4, "id", "duplicate of line 2"),
        ("persons.csv", 5, "id", "duplicate of line 3"),
        ("companies.jsonl", 2, "id", "duplicate of line 1"),
        ("holds.csv", 4, "holder_id, product_id", "duplicate of line 2"),
    }
    names = cypher(
        driver,
        "MATCH (p:Party) WHERE p.id STARTS WITH $p RETURN p.id AS id, p.name AS name ORDER BY id",
        p=PREFIX,
    )
    assert names == [
        {"id": f"{PREFIX}D1", "name": "王一"},
        {"id": f"{PREFIX}D2", "name": "李二"},
        {"id": f"{PREFIX}D3", "name": "张三新"},
        {"id": f"{PREFIX}E1", "name": "甲公司"},
    ]
    held = one(
        driver,
        "MATCH (:Person {id: $id})-[r:HOLDS]->(:Product {id: $product}) RETURN r.amount_fen AS a",
        id=f"{PREFIX}D1",
        product=product,
    )
    assert held["a"] == 10000


def test_an_unterminated_quote_rejects_its_own_row_and_the_next_row_still_loads(
    driver: Driver, load_files: LoadFiles
) -> None:
    summary = load_files(
        {
            "persons.csv": (
                "id,name,address\n"
                f"{PREFIX}Q1,王一,北京\n"  # 2
                f'{PREFIX}Q2,"李二,上海\n'  # 3: the quote is never closed
                f"{PREFIX}Q3,张三,广州\n"  # 4
                f'{PREFIX}Q4,"赵\r四",深圳\n'  # 5: a line break inside a quoted cell
                f'{PREFIX}Q5,"钱,五",杭州\n'  # 6
                f'{PREFIX}Q6,"孙""六",南京\r\n'  # 7
                f'{PREFIX}Q7,周七,"西安'  # 8: unclosed on the last line, no line end
            ),
        }
    )
    rejects = _rejects(summary)
    assert set(rejects) == {("persons.csv", 3), ("persons.csv", 5), ("persons.csv", 8)}
    assert "quote" in rejects[("persons.csv", 3)][1]
    assert "line break" in rejects[("persons.csv", 5)][1]
    assert "quote" in rejects[("persons.csv", 8)][1]
    loaded = cypher(
        driver,
        "MATCH (p:Person) WHERE p.id STARTS WITH $p "
        "RETURN p.id AS id, p.name AS name, p.address AS address ORDER BY id",
        p=PREFIX,
    )
    assert loaded == [
        {"id": f"{PREFIX}Q1", "name": "王一", "address": "北京"},
        {"id": f"{PREFIX}Q3", "name": "张三", "address": "广州"},
        {"id": f"{PREFIX}Q5", "name": "钱,五", "address": "杭州"},
        {"id": f"{PREFIX}Q6", "name": '孙"六', "address": "南京"},
    ]
    assert summary.read == 7 and summary.loaded == 4


def test_jsonl_cells_may_hold_line_breaks(driver: Driver, load_files: LoadFiles) -> None:
    row = {"id": f"{PREFIX}J1", "name": "吴九", "address": "北京市\n朝阳区"}
    summary = load_files({"persons.jsonl": json.dumps(row) + "\n"})
    assert summary.rejected == 0
    assert one(driver, "MATCH (p:Person {id: $id}) RETURN p.address AS a", id=row["id"]) == {
        "a": "北京市\n朝阳区"
    }
