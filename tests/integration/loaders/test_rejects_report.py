"""The rejects report quotes input text back; a spreadsheet opening it must not run any of it."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from loaders.ingest import LoadSummary

FORMULA_HEADER = "=cmd|' /C calc'!A0"
# Cells that spreadsheets run as formulas (OWASP's CSV injection list), as JSONL keys: an unknown
# key is reported with the key as the reject's field.
FORMULA_KEYS = [
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '+HYPERLINK("http://example.invalid")',
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
]


def test_rejects_csv_neutralises_cells_a_spreadsheet_would_run(
    first_load: LoadSummary, tmp_path: Path, neo4j_uri: str
) -> None:
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "persons.csv").write_text(f"id,name,{FORMULA_HEADER}\nFX1,王一,x\n", "utf-8")
    (folder / "companies.jsonl").write_text(
        "".join(
            json.dumps({"id": f"FXC{i}", "name": "某公司", key: "=1+1"}) + "\n"
            for i, key in enumerate(FORMULA_KEYS)
        ),
        "utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "api", "load", str(folder), "--no-progress"],
        env={**os.environ, "NEO4J_URI": neo4j_uri},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    with (folder / "rejects.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["file", "line", "field", "reason"]
    fields = {(file, line): field for file, line, field, _ in rows[1:]}
    assert fields == {
        ("persons.csv", "1"): "'" + FORMULA_HEADER,
        **{("companies.jsonl", str(i + 1)): "'" + key for i, key in enumerate(FORMULA_KEYS)},
    }
    dangerous = ("=", "+", "-", "@", "\t", "\r")
    assert [cell for row in rows for cell in row if cell.startswith(dangerous)] == []
