"""Reading load files: in CSV each line is one row, so a broken line never takes another with it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from loaders.ingest import Reject, read_raw_rows


def _read(tmp_path: Path, text: str, name: str = "persons.csv") -> list[tuple[int, object]]:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return list(read_raw_rows(path))


def _shape(rows: list[tuple[int, object]]) -> list[tuple[int, object]]:
    return [(line, (r.field, "reject") if isinstance(r, Reject) else r) for line, r in rows]


def test_an_unclosed_quote_rejects_its_line_only(tmp_path: Path) -> None:
    rows = _read(tmp_path, 'id,name\nQ1,王一\nQ2,"李二\nQ3,张三\nQ4,"钱\n')
    assert _shape(rows) == [
        (2, {"id": "Q1", "name": "王一"}),
        (3, ("row", "reject")),
        (4, {"id": "Q3", "name": "张三"}),
        (5, ("row", "reject")),
    ]
    reject = rows[1][1]
    assert isinstance(reject, Reject) and "quote" in reject.reason


def test_a_line_break_inside_a_quoted_cell_is_refused(tmp_path: Path) -> None:
    rows = _read(tmp_path, 'id,name\r\nQ1,"王\r一"\r\nQ2,李二\r\nQ3,"a""b"\r\n')
    assert _shape(rows) == [
        (2, ("row", "reject")),
        (3, {"id": "Q2", "name": "李二"}),
        (4, {"id": "Q3", "name": 'a"b'}),
    ]


def test_an_oversized_cell_rejects_its_row_and_the_rest_is_read(tmp_path: Path) -> None:
    oversized = '"' + "x" * 200_000 + '"'  # past csv's 128 KiB cell limit
    rows = _read(tmp_path, f"id,name\nQ1,王一\nQ2,{oversized}\nQ3,张三\n")
    assert _shape(rows) == [
        (2, {"id": "Q1", "name": "王一"}),
        (3, ("row", "reject")),
        (4, {"id": "Q3", "name": "张三"}),
    ]


def test_jsonl_refuses_the_literals_json_does_not_have(tmp_path: Path) -> None:
    text = '{"id": "Q1", "v": NaN}\n{"id": "Q2", "v": -Infinity}\n{"id": "Q3", "v": 1e309}\n'
    rows = _read(tmp_path, text, "companies.jsonl")
    assert [line for line, r in rows if isinstance(r, Reject)] == [1, 2]
    # JSON numbers are read as exact decimals (money must be); the row models refuse 1e309.
    assert rows[2] == (3, {"id": "Q3", "v": Decimal("1e309")})


def test_jsonl_numbers_are_read_exactly(tmp_path: Path) -> None:
    rows = _read(tmp_path, '{"id": "Q1", "v": 0.10, "w": 1234.50, "n": 3}\n', "holds.jsonl")
    assert rows == [(1, {"id": "Q1", "v": Decimal("0.10"), "w": Decimal("1234.50"), "n": 3})]


def test_a_header_with_an_unclosed_quote_refuses_the_file(tmp_path: Path) -> None:
    rows = _read(tmp_path, 'id,"name\nQ1,王一\n')
    assert _shape(rows) == [(1, ("file", "reject"))]
