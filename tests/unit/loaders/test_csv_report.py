"""CSV reports: a cell a spreadsheet would run as a formula is written as text, whatever its
source, and every CSV relgraph writes for people goes through the one writer."""

from __future__ import annotations

import ast
import csv
from pathlib import Path

import pytest

from loaders.csv_report import Cell, neutralise, write_csv_report
from tests.helpers import ROOT

# OWASP's list: a cell starting with one of these is a formula to Excel, LibreOffice or Sheets.
TRIGGERS = ["=", "+", "-", "@", "\t", "\r"]


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_a_text_cell_starting_a_formula_gets_a_leading_quote(trigger: str) -> None:
    cell = f"{trigger}cmd|' /C calc'!A0"
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["王一", "persons.csv", "a=b", " =1+1", "", "'=1"])
def test_other_text_is_written_as_it_is(cell: str) -> None:
    assert neutralise(cell) == cell


@pytest.mark.parametrize("number", [-5, -2.5, 0, 17, None])
def test_numbers_are_not_text_and_stay_numbers(number: int | float | None) -> None:
    assert neutralise(number) == number


def test_the_report_reads_back_with_every_dangerous_cell_quoted(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "report.csv"
    rows: list[list[Cell]] = [["=1+1", 3, "fine", "@SUM(A1)"], ["-2+3", -4, "\r=x", None]]
    write_csv_report(target, ["=header", "line", "text", "more"], rows)
    with target.open(encoding="utf-8", newline="") as handle:
        back = list(csv.reader(handle))
    assert back == [
        ["'=header", "line", "text", "more"],
        ["'=1+1", "3", "fine", "'@SUM(A1)"],
        ["'-2+3", "-4", "'\r=x", ""],
    ]


# The synthetic bank's load files are the loader's input, not reports: they must read back as
# written (a phone is `+86…`, and only the generator's own text is in them).
CSV_WRITERS = {"writer", "DictWriter"}
CSV_WRITERS_ALLOWED = {"loaders/csv_report.py", "loaders/synthetic/sink.py"}


def test_only_the_report_writer_and_the_load_file_sink_write_csv() -> None:
    writers = set()
    for package in ("api", "schema", "graph", "queries", "loaders", "bench"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                attribute = (
                    isinstance(node, ast.Attribute)
                    and node.attr in CSV_WRITERS
                    and isinstance(node.value, ast.Name)
                    and node.value.id == "csv"
                )
                imported = (
                    isinstance(node, ast.ImportFrom)
                    and node.module == "csv"
                    and bool({a.name for a in node.names} & CSV_WRITERS)
                )
                if attribute or imported:
                    writers.add(str(path.relative_to(ROOT)))
    assert writers <= CSV_WRITERS_ALLOWED
    assert "loaders/csv_report.py" in writers
