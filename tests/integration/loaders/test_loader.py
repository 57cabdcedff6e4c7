"""The loader: rejects are reported precisely, good rows load, loads are idempotent, resumable."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import Driver

from graph.db import Neo4jConfig
from loaders.ingest import (
    LoadFolderError,
    LoadSummary,
    find_inputs,
)
from tests.helpers import graph_counts, one
from tests.loading import load

FIXTURES = Path(__file__).parent / "fixtures"
NOT_IDS = {"national_id", "content_id"}  # end in _id but are data, not references
BROKEN_IDS = ["BX1", "BX2", "BX3", "PX1", "PX5", "CX1", "CX2", "PRX2"]


def test_first_load_of_the_bank_rejects_nothing(first_load: LoadSummary) -> None:
    assert first_load.rejected == 0, first_load.rejects[:5]
    assert first_load.loaded == first_load.read > 10_000


def test_loading_the_same_folder_twice_changes_no_counts(
    first_load: LoadSummary, neo4j_config: Neo4jConfig, bank_dir: Path, driver: Driver
) -> None:
    before = graph_counts(driver)
    again = load(neo4j_config, bank_dir)
    assert again.rejected == 0
    assert graph_counts(driver) == before


@pytest.fixture
def broken_load(
    first_load: LoadSummary, neo4j_config: Neo4jConfig, driver: Driver
) -> Iterator[LoadSummary]:
    yield load(neo4j_config, FIXTURES / "broken_bank")
    with driver.session() as session:
        session.run("MATCH (n) WHERE n.id IN $ids DETACH DELETE n", ids=BROKEN_IDS).consume()


def test_bad_rows_are_reported_by_file_line_and_field_while_good_rows_load(
    broken_load: LoadSummary, driver: Driver
) -> None:
    found = {(r.file, r.line, r.field) for r in broken_load.rejects}
    assert found == {
        ("branches.csv", 5, "kind"),
        ("part_of.csv", 4, "row"),  # a branch as its own parent
        ("part_of.csv", 5, "branch_id"),  # unknown branch
        ("persons.csv", 3, "birth_date"),
        ("persons.csv", 4, "name"),
        ("persons.csv", 5, "national_id"),
        ("companies.csv", 3, "registered_capital"),
        ("companies.csv", 4, "id"),  # a company reusing a person's id
        ("customers.csv", 4, "party_id"),  # unknown party
        ("customers.csv", 5, "segment"),
        ("products.csv", 2, "row"),  # matures before it is issued
        ("holds.csv", 1, "unexpected"),  # unknown column: the file is refused
        ("owns.jsonl", 2, "share"),
        ("owns.jsonl", 3, "company_id"),
        ("owns.jsonl", 4, "row"),  # not JSON
        ("owns.jsonl", 5, "row"),  # self-ownership
    }
    reasons = {(r.file, r.line): r.reason for r in broken_load.rejects}
    assert "NOT_A_KIND" in reasons[("branches.csv", 5)]
    assert "not in the graph" in reasons[("owns.jsonl", 3)]
    with driver.session() as session:
        good = session.run(
            "MATCH (p:Person {id: 'PX1'})-[o:OWNS]->(c:Company {id: 'CX1'}), "
            "(p)-[:HOME_BRANCH]->(:Branch {id: 'BX3'})-[:PART_OF]->(:Branch {id: 'BX2'}) "
            "RETURN p:Customer AS customer, o.share AS share, p.segment AS segment"
        ).single()
        assert good is not None
        assert good["customer"] is True and good["share"] == 0.6 and good["segment"] == "KEY"
        # The company row that reused a person's id did not turn the person into a company.
    assert one(driver, "MATCH (n:Company {id: 'PX5'}) RETURN count(n) AS n")["n"] == 0


def test_the_cli_writes_a_rejects_report(
    broken_load: LoadSummary, tmp_path: Path, neo4j_uri: str
) -> None:
    report = tmp_path / "rejects.csv"
    env = {**os.environ, "NEO4J_URI": neo4j_uri}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "api",
            "load",
            str(FIXTURES / "broken_bank"),
            "--rejects",
            str(report),
            "--no-progress",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "rejected 16" in result.stdout
    with report.open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 16
    assert {"file": "persons.csv", "line": "5", "field": "national_id"} in [
        {k: r[k] for k in ("file", "line", "field")} for r in rows
    ]


def _prefixed_copy(source: Path, target: Path, prefix: str) -> dict[str, int]:
    """Copies a generated bank (every part of every load type) with every id prefixed, so it
    loads beside the shared bank; returns the rows of each load type."""
    target.mkdir()
    rows_per_type: dict[str, int] = {}
    for name, paths in find_inputs(source).items():
        for path in paths:
            rows_per_type[name] = rows_per_type.get(name, 0) + _copy_prefixed(path, target, prefix)
    return rows_per_type


def _copy_prefixed(path: Path, target: Path, prefix: str) -> int:
    with (
        path.open(encoding="utf-8") as src,
        (target / path.name).open("w", encoding="utf-8", newline="") as dst,
    ):
        reader = csv.DictReader(src)
        assert reader.fieldnames is not None
        writer = csv.DictWriter(dst, fieldnames=reader.fieldnames)
        writer.writeheader()
        count = 0
        for row in reader:
            for column in reader.fieldnames:
                is_reference = column == "id" or column.endswith("_id")
                if is_reference and column not in NOT_IDS and row[column]:
                    row[column] = prefix + row[column]
            writer.writerow(row)
            count += 1
    return count


def _count_prefixed(driver: Driver, prefix: str, *, inverse: bool = False) -> tuple[int, int]:
    """Nodes and relationships of the bank whose ids carry `prefix` (or, inverse, do not).
    Credit policies and ledger entries are left out: their ids are not the files' (a policy's
    is its line and version, shared by both banks; an entry's is relgraph's own)."""
    nodes = one(
        driver,
        "MATCH (n) WHERE n.id IS NOT NULL AND (n.id STARTS WITH $p) <> $inverse "
        "AND NOT n:CreditPolicy AND NOT n:LedgerEntry RETURN count(n) AS n",
        p=prefix,
        inverse=inverse,
    )["n"]
    rels = one(
        driver,
        "MATCH (n)-[r]->() WHERE n.id IS NOT NULL AND (n.id STARTS WITH $p) <> $inverse "
        "AND NOT n:CreditPolicy AND NOT n:LedgerEntry RETURN count(r) AS n",
        p=prefix,
        inverse=inverse,
    )["n"]
    return nodes, rels


def test_an_interrupted_load_completes_on_rerun_with_nothing_duplicated(
    first_load: LoadSummary, bank_dir: Path, tmp_path: Path, neo4j_uri: str, driver: Driver
) -> None:
    prefix = "ZZ"
    folder = tmp_path / "bank"
    rows = _prefixed_copy(bank_dir, folder, prefix)
    env = {**os.environ, "NEO4J_URI": neo4j_uri}
    command = [
        sys.executable,
        "-m",
        "api",
        "load",
        str(folder),
        "--batch-size",
        "100",
        "--no-progress",
        "--rejects",
        str(tmp_path / "rejects.csv"),
    ]
    try:
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 120
        while _count_prefixed(driver, prefix)[1] < 3000 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
        partial = _count_prefixed(driver, prefix)
        result = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=600, check=False
        )
        assert result.returncode == 0, result.stderr
        assert "rejected 0" in result.stdout
        complete = _count_prefixed(driver, prefix)
        # The shared bank was loaded in one clean run from the same rows: the resumed load
        # must have produced exactly the same number of nodes and relationships.
        assert complete == _count_prefixed(driver, prefix, inverse=True)
        node_files = (
            "branches",
            "employees",
            "persons",
            "companies",
            "products",
            "tags",
            "fees",
            "risk_warnings",
            "interactions",
            "list_entries",
            "referrals",
        )
        assert complete[0] == sum(rows.get(name, 0) for name in node_files)
        assert partial[0] < complete[0] or partial[1] < complete[1], "load was not interrupted"
        result = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=600, check=False
        )
        assert _count_prefixed(driver, prefix) == complete
    finally:
        with driver.session() as session:
            session.run(
                "MATCH (n) WHERE n.id STARTS WITH $p CALL (n) { DETACH DELETE n } "
                "IN TRANSACTIONS OF 5000 ROWS",
                p=prefix,
            ).consume()


def test_a_file_that_is_not_utf8_is_reported_not_crashed(
    first_load: LoadSummary, neo4j_config: Neo4jConfig, driver: Driver
) -> None:
    try:
        summary = load(neo4j_config, FIXTURES / "gbk_bank")
        assert [(r.file, r.line, r.field) for r in summary.rejects] == [("persons.csv", 3, "file")]
        assert "UTF-8" in summary.rejects[0].reason
        assert one(driver, "MATCH (p:Person {id: 'GX1'}) RETURN count(p) AS n")["n"] == 1
    finally:
        with driver.session() as session:
            session.run("MATCH (p:Person) WHERE p.id IN ['GX1', 'GX2'] DETACH DELETE p").consume()


def _split_folder(folder: Path) -> Path:
    """Persons in three files, a company and shareholdings in parts only, and names to ignore."""
    folder.mkdir()
    files = {
        "persons.csv": "id,name\nSPX1,王一\n",
        "persons.b.csv": "id,name,birth_date\nSPX2,李二,1980-01-01\nSPX4,赵四,1980-13-01\n",
        "persons.a.jsonl": '{"id": "SPX3", "name": "张三"}\n',
        "companies.z.csv": "id,name\nSPC1,某某贸易有限公司\n",
        "owns.part-1.csv": "owner_id,company_id,share\nSPX2,SPC1,0.5\nSPX9,SPC1,0.2\n",
        "owns.csv.bak": "not,a,load,file\n",
        "notes.persons.csv": "id,name\nSPX8,不是人员文件\n",
        "persons.bad.label.csv": "id,name\nSPX7,名称含点\n",
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_parts_of_a_type_load_after_its_plain_file_in_label_order(tmp_path: Path) -> None:
    inputs = find_inputs(_split_folder(tmp_path / "split"))
    assert {stem: [p.name for p in paths] for stem, paths in inputs.items()} == {
        "persons": ["persons.csv", "persons.a.jsonl", "persons.b.csv"],
        "companies": ["companies.z.csv"],
        "owns": ["owns.part-1.csv"],
    }
    (tmp_path / "split" / "persons.b.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(LoadFolderError, match=r"both persons\.b\.csv and persons\.b\.jsonl"):
        find_inputs(tmp_path / "split")


def test_a_split_folder_loads_every_part_names_each_part_in_rejects_and_reloads_idempotently(
    first_load: LoadSummary, neo4j_config: Neo4jConfig, driver: Driver, tmp_path: Path
) -> None:
    folder = _split_folder(tmp_path / "split")
    try:
        first = load(neo4j_config, folder)
        assert [f.file for f in first.files] == [
            "persons.csv",
            "persons.a.jsonl",
            "persons.b.csv",
            "companies.z.csv",
            "owns.part-1.csv",
        ]
        rejects = {(r.file, r.line, r.field) for r in first.rejects}
        assert rejects == {("persons.b.csv", 3, "birth_date"), ("owns.part-1.csv", 3, "owner_id")}
        assert first.loaded == 5
        owned = one(
            driver,
            "MATCH (:Person {id: 'SPX2'})-[o:OWNS]->(:Company {id: 'SPC1'}) RETURN o.share AS s",
        )
        assert owned["s"] == 0.5
        persons = "MATCH (p:Person) WHERE p.id STARTS WITH 'SPX' RETURN collect(p.id) AS ids"
        assert sorted(one(driver, persons)["ids"]) == ["SPX1", "SPX2", "SPX3"]
        counts = graph_counts(driver)
        again = load(neo4j_config, folder)
        assert {(r.file, r.line, r.field) for r in again.rejects} == rejects
        assert graph_counts(driver) == counts
    finally:
        with driver.session() as session:
            session.run(
                "MATCH (n) WHERE n.id STARTS WITH 'SPX' OR n.id = 'SPC1' DETACH DELETE n"
            ).consume()
