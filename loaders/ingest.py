"""`relgraph load DIR`: validate every row, load good ones in idempotent batches, report the rest.

Each batch is one transaction of `UNWIND … MERGE` on constrained ids, so loading a folder twice
changes nothing and a load cut off midway completes on re-run: finished batches merge onto what is
already there and the rest are written anew.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import itertools
import json
import sys
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from tqdm import tqdm

from graph import referrals
from graph.db import ConstraintViolation, Database
from loaders.csv_report import write_csv_report
from loaders.first_seen import FirstSeen
from loaders.names import name_sort_key
from loaders.plan import LOAD_PLAN, LoadFile, TableFile, parse_table_file_name
from queries import Q

DEFAULT_BATCH_SIZE = 1000
# Load types the cross-sell statistics count (holdings, and who is a customer of which branch): a
# load writing rows of them marks the statistics stale (graph/crosssell/stats.py).
_CROSSSELL_INPUTS = frozenset({"holds", "customers"})
# Load types after which the won referrals loaded without credit are credited.
_REFERRAL_INPUTS = frozenset({"referrals", "referral_supporters"})


@dataclass(frozen=True)
class Reject:
    file: str
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.reason}"


@dataclass
class FileResult:
    file: str
    table: str = ""  # its load type (LoadFile.name)
    read: int = 0
    loaded: int = 0
    rejects: list[Reject] = field(default_factory=list)
    # Ids a load statement reports as touched by what changed (the two ends of a new or changed
    # tie, the parties of a new or changed list entry): where a re-screen looks.
    touched: set[str] = field(default_factory=set)


@dataclass
class LoadSummary:
    files: list[FileResult]
    seconds: float
    # Entries appended to the CREDIT ledger for loaded wins (graph/referrals.credit_loaded_wins).
    credit_entries: int = 0

    @property
    def read(self) -> int:
        return sum(f.read for f in self.files)

    @property
    def loaded(self) -> int:
        return sum(f.loaded for f in self.files)

    @property
    def rejected(self) -> int:
        return sum(len(f.rejects) for f in self.files)

    @property
    def rejects(self) -> list[Reject]:
        return [r for f in self.files for r in f.rejects]

    def touched(self, tables: Collection[str]) -> set[str]:
        """The ids the files of these load types touched."""
        return {i for f in self.files if f.table in tables for i in f.touched}

    @property
    def rows_per_second(self) -> float:
        return self.read / self.seconds if self.seconds > 0 else 0.0


class LoadFolderError(ValueError):
    """The folder itself is unusable (missing, or holds no known file)."""


def find_inputs(folder: Path) -> dict[str, list[Path]]:
    """Each load type's files in `folder`, in the order they load: `<name>.csv` (or `.jsonl`)
    first, then its parts `<name>.<part>.csv` by label. Names of no load type are left out."""
    known = {spec.name for spec in LOAD_PLAN}
    found: dict[str, list[tuple[TableFile, Path]]] = {}
    for path in sorted(folder.iterdir()):
        parsed = parse_table_file_name(path.name)
        if parsed is not None and parsed.stem in known and path.is_file():
            found.setdefault(parsed.stem, []).append((parsed, path))
    inputs: dict[str, list[Path]] = {}
    for stem, files in found.items():
        files.sort(key=lambda file: file[0].order)
        for (first, first_path), (second, second_path) in itertools.pairwise(files):
            if first.part == second.part:
                raise LoadFolderError(
                    f"{folder}: both {first_path.name} and {second_path.name}; keep one"
                )
        inputs[stem] = [path for _, path in files]
    return inputs


def read_raw_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | Reject]]:
    """Yields (line number, raw mapping) or a Reject for lines that are not even well-formed."""
    if path.suffix == ".jsonl":
        yield from _read_jsonl(path)
    else:
        yield from _read_csv(path)


class NotUtf8Error(ValueError):
    def __init__(self, line: int) -> None:
        super().__init__(f"line {line} is not valid UTF-8")
        self.line = line


def _utf8_lines(path: Path) -> Iterator[str]:
    """Decodes line by line, so the line of a stray GBK byte is known and earlier rows load."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                raise NotUtf8Error(number) from None


class _NotJsonConstant(Exception):
    """Python's json reads NaN, Infinity and -Infinity, which JSON does not have."""


def _refuse_constant(name: str) -> Any:
    raise _NotJsonConstant(name)


def _read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any] | Reject]]:
    for line_no, line in enumerate(_utf8_lines(path), start=1):
        if not line.strip():
            continue
        try:
            # parse_float=Decimal: a JSON number such as 1234.50 is read exactly, as money must be.
            value = json.loads(line, parse_constant=_refuse_constant, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            yield line_no, Reject(path.name, line_no, "row", f"invalid JSON: {exc.msg}")
            continue
        except _NotJsonConstant as exc:
            reason = f"invalid JSON: {exc} is not a JSON value; numbers must be finite"
            yield line_no, Reject(path.name, line_no, "row", reason)
            continue
        if not isinstance(value, dict):
            yield line_no, Reject(path.name, line_no, "row", "a line must be a JSON object")
            continue
        yield line_no, {k: v for k, v in value.items() if v is not None}


class _MalformedLine(ValueError):
    """A CSV line that is no row: a quote left open, a line break inside a cell, a cell past
    csv's size limit."""


def _csv_cells(line: str) -> list[str]:
    """The cells of one line of a CSV file. A cell cannot hold a line break (JSONL can), so every
    line is one row: a quote left open ends with its line instead of swallowing the rows after
    it, and a line's number is its row's."""
    text = line.removesuffix("\n").removesuffix("\r")
    if "\r" in text:
        raise _MalformedLine("a cell holds a line break (carriage return); cells cannot")
    try:
        cells = next(csv.reader((text + "\n",)))
    except csv.Error as exc:
        raise _MalformedLine(f"malformed CSV ({exc})") from None
    # The only way a cell can hold the line end: a quote still open when the line ended.
    if any("\n" in cell for cell in cells):
        raise _MalformedLine(
            "unterminated quote: a quoted cell must close on its own line (cells cannot hold "
            "line breaks)"
        )
    return cells


def _header(path: Path, line: str) -> list[str] | Reject:
    try:
        return [h.strip() for h in _csv_cells(line)]
    except _MalformedLine as exc:
        return Reject(path.name, 1, "file", f"the header is not a CSV row: {exc}")


def _read_csv(path: Path) -> Iterator[tuple[int, dict[str, Any] | Reject]]:
    lines = enumerate(_utf8_lines(path), start=1)
    first = next(lines, None)
    if first is None:
        return
    header = _header(path, first[1])
    if isinstance(header, Reject):
        yield 1, header
        return
    for line_no, line in lines:
        try:
            cells = _csv_cells(line)
        except _MalformedLine as exc:
            yield line_no, Reject(path.name, line_no, "row", str(exc))
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            yield (
                line_no,
                Reject(path.name, line_no, "row", f"{len(cells)} cells, header has {len(header)}"),
            )
            continue
        # An empty cell means "absent", so optional fields take their defaults.
        yield line_no, {h: c for h, c in zip(header, cells, strict=True) if c.strip() != ""}


def _decoded_rows(path: Path, result: FileResult) -> Iterator[tuple[int, dict[str, Any] | Reject]]:
    """Stops a file at the first line that is not UTF-8 (a GBK export, say) with a clear reject;
    the rows before it still load."""
    try:
        yield from read_raw_rows(path)
    except NotUtf8Error as exc:
        result.rejects.append(
            Reject(path.name, exc.line, "file", "not valid UTF-8 from this line on; save as UTF-8")
        )


def check_header(path: Path, spec: LoadFile) -> Reject | None:
    if path.suffix != ".csv":
        return None
    try:
        header = _header(path, next(_utf8_lines(path), ""))
    except NotUtf8Error:
        return Reject(path.name, 1, "file", "the header is not valid UTF-8; save as UTF-8")
    if isinstance(header, Reject):
        return header
    known = set(spec.model.model_fields)
    unknown = [h for h in header if h not in known]
    if unknown:
        return Reject(path.name, 1, unknown[0], f"unknown column; expected {sorted(known)}")
    required = [n for n, f in spec.model.model_fields.items() if f.is_required()]
    missing = [n for n in required if n not in header]
    if missing:
        return Reject(path.name, 1, missing[0], "required column is missing from the header")
    return None


def validate(path: Path, spec: LoadFile, line: int, raw: dict[str, Any]) -> dict[str, Any] | Reject:
    try:
        row = spec.model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "row"
        value = raw.get(str(first["loc"][0])) if first["loc"] else None
        shown = f" (got {value!r})" if value is not None else ""
        message = first["msg"].removeprefix("Value error, ")
        return Reject(path.name, line, where, f"{message}{shown}")
    params = row.model_dump()
    params["line"] = line
    return params


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


async def load_folder(
    db: Database,
    folder: Path,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = True,
) -> LoadSummary:
    if not folder.is_dir():
        raise LoadFolderError(f"{folder} is not a folder")
    inputs = find_inputs(folder)
    if not inputs:
        names = ", ".join(f"{s.name}.csv" for s in LOAD_PLAN)
        raise LoadFolderError(f"{folder} holds none of the load files ({names})")
    started = time.perf_counter()
    results: list[FileResult] = []
    crosssell_inputs_written = False
    for spec in LOAD_PLAN:
        for path in inputs.get(spec.name, ()):
            result = await _load_file(db, spec, path, batch_size, progress)
            results.append(result)
            crosssell_inputs_written |= spec.name in _CROSSSELL_INPUTS and result.loaded > 0
    await _give_parties_name_sort_keys(db)
    await db.run_autocommit(Q.refresh_customer_assets)
    if crosssell_inputs_written:
        # The loader does not compare rows with what was there: writing any counts as a change.
        await db.write(Q.crosssell_mark_stale)
    credit_entries = 0
    if _REFERRAL_INPUTS & inputs.keys():
        credit_entries = await _credit_loaded_wins(db, progress)
    return LoadSummary(results, time.perf_counter() - started, credit_entries)


async def _credit_loaded_wins(db: Database, progress: bool) -> int:
    """Credit for the wins just loaded, and for any an interrupted load left without it."""
    with tqdm(
        desc=f"{'credit of wins':<20}", unit="wins", disable=not progress, file=sys.stderr
    ) as bar:
        return await referrals.credit_loaded_wins(db, dt.datetime.now(dt.UTC), bar.update)


async def _give_parties_name_sort_keys(db: Database, batch_size: int = 5000) -> None:
    """Parties loaded here have their key; parties a load before name sort keys left behind
    (say, customers a later load only updates) get theirs now, so none drops out of the list
    by name. A graph that has them all costs one scan of the parties."""
    while True:
        rows = await db.read(Q.parties_without_name_sort_key, {"limit": batch_size})
        if not rows:
            return
        keys = [
            {"id": r["id"], "name_sort_key": name_sort_key(r["name"], r["id"], person=r["person"])}
            for r in rows
        ]
        await db.write(Q.set_name_sort_keys, {"rows": keys}, timeout=300.0)


async def _load_file(
    db: Database, spec: LoadFile, path: Path, batch_size: int, progress: bool
) -> FileResult:
    result = FileResult(path.name, spec.name)
    header_problem = check_header(path, spec)
    if header_problem is not None:
        result.rejects.append(header_problem)
        return result
    bar = tqdm(
        total=max(_count_lines(path) - (1 if path.suffix == ".csv" else 0), 0),
        desc=f"{path.name:<20}",
        unit="rows",
        disable=not progress,
        file=sys.stderr,
        leave=True,
    )
    batch: list[dict[str, Any]] = []
    seen = FirstSeen()
    # One batch is written while the next is validated: Neo4j and pydantic each keep a core busy.
    # Only one write is ever in flight, so batches still commit in file order.
    writing: asyncio.Task[None] | None = None
    with bar:
        for line, raw in _decoded_rows(path, result):
            result.read += 1
            checked = raw if isinstance(raw, Reject) else validate(path, spec, line, raw)
            if not isinstance(checked, Reject):
                checked = _unless_duplicate(path, spec, seen, line, checked)
            if isinstance(checked, Reject):
                result.rejects.append(checked)
            else:
                batch.append(checked)
            if len(batch) >= batch_size:
                if writing is not None:
                    await writing
                writing = asyncio.create_task(_write_batch(db, spec, path, batch, result))
                batch = []
            if result.read % 100 == 0:
                await asyncio.sleep(0)  # let the in-flight write send and receive
            bar.update(1)
            bar.set_postfix(rejected=len(result.rejects), refresh=False)
        if writing is not None:
            await writing
        if batch:
            await _write_batch(db, spec, path, batch, result)
        bar.set_postfix(rejected=len(result.rejects))
    return result


def _unless_duplicate(
    path: Path, spec: LoadFile, seen: FirstSeen, line: int, row: dict[str, Any]
) -> dict[str, Any] | Reject:
    """The row, or a reject when an earlier row of the file has its key: the upsert would
    overwrite that row with this one. (Other files, parts included, may repeat a key: a later
    load or part updates what an earlier one wrote.)"""
    # Key columns are ids, which cannot hold the separator.
    key = "\x1f".join(str(row[column]) for column in spec.key)
    first = seen.first_line(key, line)
    if first == line:
        return row
    return Reject(path.name, line, ", ".join(spec.key), f"duplicate of line {first}")


async def _write_batch(
    db: Database, spec: LoadFile, path: Path, batch: list[dict[str, Any]], result: FileResult
) -> None:
    try:
        reported = await db.write(spec.query, {"rows": batch}, timeout=300.0)
    except ConstraintViolation:
        # One bad row (say, a person reusing a company's id) fails its whole batch; find it
        # by writing the batch row by row, so the good rows still load.
        reported = []
        for row in batch:
            try:
                reported.extend(await db.write(spec.query, {"rows": [row]}, timeout=60.0))
            except ConstraintViolation as exc:
                result.rejects.append(Reject(path.name, row["line"], "id", str(exc)))
                result.loaded -= 1
    for record in reported:
        result.touched.update(record.get("touched") or ())
    failed = 0
    for record in reported:
        if record["missing"]:
            reject = Reject(
                path.name,
                record["line"],
                ", ".join(record["missing"]),
                "refers to an id that is not in the graph (as the kind this column needs)",
            )
        elif refused := record.get("refused"):
            # A row the graph's state forbids (a published policy rewritten, a win of a
            # product not held): the statement says which field and why.
            reject = Reject(path.name, record["line"], refused["field"], refused["reason"])
        else:
            continue
        result.rejects.append(reject)
        failed += 1
    result.loaded += len(batch) - failed


def write_rejects_report(rejects: list[Reject], target: Path) -> None:
    """Always written, even empty, so a stale report from an earlier run never misleads."""
    write_csv_report(
        target,
        ["file", "line", "field", "reason"],
        (
            [reject.file, reject.line, reject.field, reject.reason]
            for reject in sorted(rejects, key=lambda r: (r.file, r.line))
        ),
    )
