"""Streaming CSV/JSONL output for the synthetic bank: every row is written as soon as it is made.

Rows arrive as tuples of already-formatted strings in the generator's own column order; a `Table`
maps them onto the model's field order, so the header is always exactly `Model.model_fields`
and a field added to a model later (optional, hence defaulted) is written as an empty cell.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel


class Table:
    def __init__(self, handle: IO[str], header: Sequence[str], order: list[int] | None) -> None:
        self._writer = csv.writer(handle, lineterminator="\n")
        self._writer.writerow(header)
        self._order = order
        self.count = 0

    def write(self, row: Sequence[str]) -> None:
        if self._order is None:
            self._writer.writerow(row)
        else:
            self._writer.writerow([row[i] if i >= 0 else "" for i in self._order])
        self.count += 1


class Sink:
    """Owns every open output file and counts the rows written to each."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self._handles: list[IO[str]] = []
        self._tables: dict[str, Table] = {}
        self._jsonl_counts: dict[str, int] = {}

    def model_table(self, name: str, model: type[BaseModel], columns: Sequence[str]) -> Table:
        """`name`.csv with the model's header; `columns` is the order rows are given in."""
        fields = list(model.model_fields)
        unknown = [c for c in columns if c not in model.model_fields]
        missing = [
            f for f, info in model.model_fields.items() if info.is_required() and f not in columns
        ]
        if unknown or missing:
            raise RuntimeError(
                f"{name}: generator columns out of step with {model.__name__}: "
                f"unknown {unknown}, missing required {missing}"
            )
        position = {c: i for i, c in enumerate(columns)}
        order = [position.get(f, -1) for f in fields]
        identity = order == list(range(len(columns))) and len(fields) == len(columns)
        return self._open(f"{name}.csv", fields, None if identity else order)

    def plain_table(self, relpath: str, header: Sequence[str]) -> Table:
        return self._open(relpath, header, None)

    def _open(self, relpath: str, header: Sequence[str], order: list[int] | None) -> Table:
        path = self.out / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("w", encoding="utf-8", newline="")
        self._handles.append(handle)
        table = Table(handle, header, order)
        self._tables[relpath] = table
        return table

    def write_jsonl(self, relpath: str, objects: Iterable[dict[str, Any]]) -> None:
        path = self.out / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        count = 0
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            for obj in objects:
                handle.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))
                handle.write("\n")
                count += 1
        self._jsonl_counts[relpath] = count

    def write_json(self, relpath: str, obj: dict[str, Any]) -> None:
        path = self.out / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    def counts(self) -> dict[str, int]:
        counts = {name: table.count for name, table in self._tables.items()}
        counts.update(self._jsonl_counts)
        return dict(sorted(counts.items()))

    def close(self) -> None:
        for handle in self._handles:
            handle.close()
        self._handles.clear()


def fmt_date(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def fmt_money(value: float) -> str:
    return f"{value:.2f}"


def fmt_frac(value: float | None) -> str:
    """Shares and scores: at most 4 decimals, never in exponent notation."""
    if value is None:
        return ""
    return f"{value:.4f}".rstrip("0").rstrip(".") or "0"


def fmt_bool(value: bool) -> str:
    return "true" if value else "false"
