"""Bulk screening (`relgraph screen`): every customer exposed to a listed party within a hop count,
stored as a screening run that can be read back, compared with the run before it and written
out as the regulator's report.

Screening searches from the listed side: from every party on a prohibition list on the as-of
date, for the customers within the hop count (graph/exposure.py, the same search `exposure`
runs, read the other way). A customer no listed party reaches within the hops is not exposed, so
this screens every customer while the work grows with the listed parties and their
neighbourhoods, not with the size of the bank. Several listed parties go in one statement.

A run also becomes the exposures monitoring keeps (graph/monitoring.py), which later changes
are compared with.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from graph import exposure, monitoring
from graph.compliance import ComplianceRules
from graph.db import Database, WriteTransaction
from graph.exposure import Path
from graph.monitoring import Exposed
from graph.parties import list_entries_by_parties
from graph.records import FlagRecord, ScreeningRunRecord
from queries import Q

# Listed parties searched from per statement: a progress step, and a bound on one answer.
LISTED_BATCH = 50
# Flags (and kept exposures) written per statement.
WRITE_BATCH = 2000


def run_cuts(run: ScreeningRunRecord) -> list[exposure.Cut]:
    return [exposure.Cut(**c) for c in json.loads(run.cuts)]


@dataclass(frozen=True, slots=True)
class Hit:
    """One listed party a flagged customer is exposed to."""

    listed_id: str
    listed_name: str
    lists: tuple[str, ...]  # names of the lists its entries in force are on
    hops: int
    score: float
    path_count: int
    path: Path  # the strongest, from the customer to the listed party
    path_text: str

    def as_json(self) -> dict[str, Any]:
        return {
            "listed_id": self.listed_id,
            "listed_name": self.listed_name,
            "lists": list(self.lists),
            "hops": self.hops,
            "score": self.score,
            "path_count": self.path_count,
            "path": json.loads(monitoring.path_json(self.path)),
            "path_text": self.path_text,
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Hit:
        return cls(
            listed_id=value["listed_id"],
            listed_name=value["listed_name"],
            lists=tuple(value["lists"]),
            hops=int(value["hops"]),
            score=float(value["score"]),
            path_count=int(value["path_count"]),
            path=monitoring.path_from_json(json.dumps(value["path"])),
            path_text=value["path_text"],
        )


def flag_hits(flag: FlagRecord) -> list[Hit]:
    return [Hit.from_json(h) for h in json.loads(flag.hits)]


def _flags(hits: dict[str, list[Hit]], names: dict[str, str]) -> list[dict[str, Any]]:
    flags: list[dict[str, Any]] = []
    for customer_id, found in hits.items():
        found.sort(key=lambda h: (-h.score, h.hops, h.listed_id))
        flags.append(
            {
                "customer_id": customer_id,
                "customer_name": names[customer_id],
                "max_score": found[0].score,
                "min_hops": min(h.hops for h in found),
                "hits": json.dumps([h.as_json() for h in found], ensure_ascii=False),
            }
        )
    flags.sort(key=lambda f: str(f["customer_id"]))
    return flags


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def new_run_id(at: dt.datetime) -> str:
    return f"SR-{at:%Y%m%d%H%M%S}-{secrets.token_hex(3)}"


async def screen(
    db: Database,
    rules: ComplianceRules,
    *,
    max_hops: int,
    as_of: dt.date,
    actor: str,
    types: Sequence[str] = exposure.LINK_TYPES,
    progress: Callable[[int, int], None] | None = None,
) -> ScreeningRunRecord:
    """Screens every customer, stores the run and its flags, makes its exposures the ones
    monitoring keeps, and returns the finished run. `progress(done, total)` is called as listed
    parties are searched from."""
    started = time.perf_counter()
    at = dt.datetime.now(dt.UTC)
    hops = exposure.clamped_hops(max_hops)
    run_id = new_run_id(at)
    await db.write(
        Q.screening_run_start,
        {
            "id": run_id,
            "at": at.isoformat(),
            "actor": actor,
            "max_hops": hops,
            "as_of": as_of,
            "types": list(types),
            "cap": rules.screening_fanout_cap,
        },
    )
    try:
        counts = await _screen(db, rules, run_id, hops, as_of, types, progress)
    except BaseException:
        failed = {"seconds": round(time.perf_counter() - started, 3)}
        finished = dt.datetime.now(dt.UTC).isoformat()
        await db.write(
            Q.screening_run_finish,
            {"id": run_id, "status": "FAILED", "at": finished, "counts": failed},
        )
        raise
    counts["seconds"] = round(time.perf_counter() - started, 3)
    (row,) = await db.write(
        Q.screening_run_finish,
        {
            "id": run_id,
            "status": "COMPLETED",
            "at": dt.datetime.now(dt.UTC).isoformat(),
            "counts": counts,
        },
    )
    return ScreeningRunRecord.from_map(row["run"])


async def _screen(
    db: Database,
    rules: ComplianceRules,
    run_id: str,
    hops: int,
    as_of: dt.date,
    types: Sequence[str],
    progress: Callable[[int, int], None] | None,
) -> dict[str, Any]:
    listed = [r["id"] for r in await db.read(Q.listed_party_ids, {"as_of": as_of})]
    (customers,) = await db.read(Q.customer_total)
    hits: dict[str, list[Hit]] = defaultdict(list)
    names: dict[str, str] = {}
    kept: list[Exposed] = []
    cuts: list[exposure.Cut] = []
    read = exposure.reader(db)
    for done, batch in enumerate(_batches(listed, LISTED_BATCH), start=1):
        found, searches = await monitoring.exposures_from(
            read, batch, max_hops=hops, as_of=as_of, cap=rules.screening_fanout_cap, types=types
        )
        for search in searches:
            cuts += search.cuts
            names.update((p.id, p.name) for p in search.parties.values())
        lists = await _list_names(db, batch, as_of)
        for listed_id, exposed in found.items():
            for e in exposed.values():
                kept.append(e)
                hits[e.customer_id].append(
                    Hit(
                        listed_id=listed_id,
                        listed_name=names[listed_id],
                        lists=lists[listed_id],
                        hops=e.hops,
                        score=e.score,
                        path_count=e.path_count,
                        path=e.path,
                        path_text=exposure.path_text(e.path, names),
                    )
                )
        if progress is not None:
            progress(min(done * LISTED_BATCH, len(listed)), len(listed))
    flags = _flags(hits, names)
    for chunk in _batches(flags, WRITE_BATCH):
        await db.write(Q.screening_flags_write, {"run_id": run_id, "flags": list(chunk)})
    await _keep(db, listed, kept)
    await db.write(Q.set_meta, {"key": monitoring.MONITORED_HOPS_KEY, "value": hops})
    by_hops = Counter(e.hops for e in kept)
    return {
        "customers": int(customers["total"]),
        "listed": len(listed),
        "flagged": len(flags),
        "exposures": len(kept),
        "exposures_by_hops": json.dumps({str(h): n for h, n in sorted(by_hops.items())}),
        "cuts": json.dumps([dataclasses.asdict(c) for c in cuts]),
    }


async def _list_names(
    db: Database, party_ids: Sequence[str], as_of: dt.date
) -> dict[str, tuple[str, ...]]:
    """The names of the prohibition lists each party is on on `as_of`."""
    entries = await list_entries_by_parties(db, party_ids)
    return {
        party_id: tuple(
            sorted({e.list_name for e in mine if e.list == "PROHIBITION" and e.active_on(as_of)})
        )
        for party_id, mine in zip(party_ids, entries, strict=True)
    }


async def _keep(db: Database, listed: Sequence[str], kept: Sequence[Exposed]) -> None:
    """The run's exposures become the ones monitoring keeps: those to parties no longer listed
    go, and each listed party's are replaced, a batch of listed parties at a time."""
    at = dt.datetime.now(dt.UTC)
    await db.write(Q.exposures_prune, {"listed_ids": list(listed)})
    by_listed: dict[str, list[Exposed]] = defaultdict(list)
    for e in kept:
        by_listed[e.listed_id].append(e)
    for batch in _batches(listed, LISTED_BATCH):

        async def work(tx: WriteTransaction, batch: Sequence[str] = batch) -> None:
            mine = [e for listed_id in batch for e in by_listed[listed_id]]
            await monitoring.keep_exposures(tx.run, batch, mine, at)

        await db.write_unit(work, timeout=300.0)


async def runs_page(db: Database, offset: int, limit: int) -> tuple[list[ScreeningRunRecord], int]:
    rows = await db.read(Q.screening_runs_page, {"offset": offset, "limit": limit})
    (count,) = await db.read(Q.screening_runs_count)
    return [ScreeningRunRecord.from_map(r["run"]) for r in rows], int(count["total"])


async def runs_by_ids(db: Database, ids: Sequence[str]) -> list[ScreeningRunRecord | None]:
    rows = await db.read(Q.screening_runs_by_ids, {"ids": list(ids)})
    found = {r["run"]["id"]: ScreeningRunRecord.from_map(r["run"]) for r in rows}
    return [found.get(i) for i in ids]


async def flags_page(
    db: Database,
    run_id: str,
    *,
    min_score: float = 0.0,
    unflagged_in: str | None = None,
    offset: int,
    limit: int,
) -> tuple[list[FlagRecord], int]:
    """A page of the customers run `run_id` flags at `min_score` or more, highest first; with
    `unflagged_in`, only those that run does not flag."""
    params = {"run_id": run_id, "min_score": min_score, "other_run_id": unflagged_in}
    rows = await db.read(Q.screening_flags_page, {**params, "offset": offset, "limit": limit})
    (count,) = await db.read(Q.screening_flags_count, params)
    return [FlagRecord.from_map(r["flag"]) for r in rows], int(count["total"])


REPORT_COLUMNS = (
    "run_id",
    "customer_id",
    "customer_name",
    "listed_id",
    "listed_name",
    "lists",
    "hops",
    "score",
    "path_count",
    "path",
)


async def report_rows(db: Database, run_id: str, page: int = 5000) -> list[list[str]]:
    """The regulator's report of a run: one row per flagged customer and listed party, highest
    score first, the strongest path as text."""
    rows: list[list[str]] = []
    offset = 0
    while True:
        flags, total = await flags_page(db, run_id, offset=offset, limit=page)
        for flag in flags:
            for hit in flag_hits(flag):
                rows.append(
                    [
                        run_id,
                        flag.customer_id,
                        flag.customer_name,
                        hit.listed_id,
                        hit.listed_name,
                        ";".join(hit.lists),
                        str(hit.hops),
                        f"{hit.score:.2f}",
                        str(hit.path_count),
                        hit.path_text,
                    ]
                )
        offset += len(flags)
        if not flags or offset >= total:
            return rows
