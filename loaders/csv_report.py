"""The one writer of CSV reports: every CSV relgraph writes for people to open goes through
`write_csv_report` (the rejects report now; the compliance screening report next).

Reports quote input text back (an unknown column's name, a list entry's reason), and a
spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula, or with a tab or
carriage return before one: CSV injection, which can run commands on the reader's machine.
As OWASP advises, such a text cell is written with a leading `'`, which spreadsheets take as
"this is text" and do not show. Numbers are written as numbers: they carry no formula.

The synthetic bank's load files are not reports but the loader's input, written by its own
generator, and must read back exactly as written (a phone is `+86…`): they keep their own
writer (loaders/synthetic/sink.py). tests/unit/loaders/test_csv_report.py checks that no other
code writes CSV.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | None


def neutralise(cell: Cell) -> Cell:
    """A text cell a spreadsheet would run, made text; any other cell as it is."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def write_csv_report(target: Path, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> None:
    """Writes (or replaces) `target`, UTF-8, a header row, then `rows`; creates its folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([neutralise(name) for name in header])
        for row in rows:
            writer.writerow([neutralise(cell) for cell in row])
