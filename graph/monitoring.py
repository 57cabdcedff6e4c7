"""Monitoring: the exposures compliance knows of, kept up to date as the world changes, and an
alert for every change.

The kept exposures are `(:Customer)-[:EXPOSED_TO]->(:Party)` relationships, one per customer and
listed party within the monitored hop count (the last screening run's, graph/screening.py),
each with its hop count, score and strongest path. A screening run replaces them all. Between
runs, a change re-screens only what it can affect:

- a listing or delisting of party X: the customers around X;
- a tie loaded or changed between A and B: a customer's exposure to X can only change through
  it if X is within hops - 1 of A or B (a shortest path from the customer to X through the tie
  goes on from A or B to X without it, in the graph before the change and after), so the
  listed parties that near A or B, each re-screened as above.

Re-screening X searches from X for customers (graph/exposure.py), compares with the exposures
kept to X, writes the new ones and raises an alert for each difference: newly exposed, closer,
further, no longer exposed. Alerts are numbered in commit order (queries/compliance/
alerts_raise.cypher), which is what the API's subscription follows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from graph import exposure
from graph.db import Database, WriteTransaction
from graph.exposure import Path, Read, Want
from graph.records import AlertRecord, LinkRecord
from queries import Q

# Listed parties re-screened per transaction after a load.
RESCREEN_BATCH = 50
# A re-screen runs in the transaction of what caused it (a listing): around a listed supernode
# it can take longer than a query may.
RESCREEN_SECONDS = 120.0
MONITORED_HOPS_KEY = "monitored_exposure_hops"


class Change(StrEnum):
    NEWLY_EXPOSED = "NEWLY_EXPOSED"
    CLOSER = "CLOSER"
    FURTHER = "FURTHER"
    NO_LONGER_EXPOSED = "NO_LONGER_EXPOSED"


class Cause(StrEnum):
    LISTING = "LISTING"
    DELISTING = "DELISTING"
    LOAD = "LOAD"  # ties or list entries loaded by `relgraph load`


@dataclass(frozen=True, slots=True)
class Exposed:
    """A customer's exposure to a listed party, as monitoring keeps it: its strongest path is
    read from the customer to the listed party."""

    customer_id: str
    listed_id: str
    hops: int
    score: float
    path_count: int
    path: Path

    def row(self) -> dict[str, Any]:
        return {
            "customer_id": self.customer_id,
            "listed_id": self.listed_id,
            "hops": self.hops,
            "score": self.score,
            "path": path_json(self.path),
        }


def path_json(path: Path) -> str:
    return json.dumps([_link_map(link) for link in path], ensure_ascii=False)


def path_from_json(text: str | None) -> Path:
    return tuple(LinkRecord.from_map(m) for m in json.loads(text or "[]"))


def _link_map(link: LinkRecord) -> dict[str, Any]:
    return {
        name: value.isoformat() if isinstance(value, dt.date) else value
        for name, value in (
            ("party_id", link.party_id),
            ("other_id", link.other_id),
            ("type", link.type),
            ("outgoing", link.outgoing),
            ("current", link.current),
            ("share", link.share),
            ("voting_share", link.voting_share),
            ("title", link.title),
            ("position", link.position),
            ("relation", link.relation),
            ("since", link.since),
            ("until", link.until),
        )
        if value is not None
    }


async def exposures_from(
    read: Read,
    listed_ids: Sequence[str],
    *,
    max_hops: int,
    as_of: dt.date,
    cap: int,
    types: Sequence[str] = exposure.LINK_TYPES,
) -> tuple[dict[str, dict[str, Exposed]], list[exposure.Search]]:
    """For each of `listed_ids`, the customers exposed to it on `as_of` (none when it is not
    listed then), by customer id; a listed customer is exposed to itself at 0 hops. Also the
    searches themselves, for their cuts and parties."""
    searches = await exposure.search(
        read,
        listed_ids,
        max_hops=max_hops,
        types=types,
        as_of=as_of,
        cap=cap,
        want=Want.CUSTOMER,
        max_paths=1,
    )
    found: dict[str, dict[str, Exposed]] = {listed_id: {} for listed_id in listed_ids}
    for listed_id, done in searches.items():
        if not done.start_listed:
            continue
        mine = found[listed_id]
        if done.parties[listed_id].is_customer:
            mine[listed_id] = Exposed(listed_id, listed_id, 0, 100.0, 1, ())
        for reach in done.found:
            best = reach.paths[0]
            mine[reach.party_id] = Exposed(
                reach.party_id,
                listed_id,
                reach.hops,
                reach.score,
                reach.path_count,
                exposure.reversed_path(best.links),
            )
    return found, list(searches.values())


async def baseline_hops(db: Database) -> int | None:
    """The hop count of the last screening run, which set the exposures kept; None before any."""
    rows = await db.read(Q.get_meta, {"key": MONITORED_HOPS_KEY})
    return int(rows[0]["value"]) if rows and rows[0]["value"] is not None else None


async def monitored_hops(db: Database, default: int) -> int:
    hops = await baseline_hops(db)
    return default if hops is None else hops


async def keep_exposures(
    run: Read, listed_ids: Sequence[str], exposed: Iterable[Exposed], at: dt.datetime
) -> None:
    """Makes the kept exposures to `listed_ids` exactly `exposed`."""
    await run(
        Q.exposures_set,
        {
            "listed_ids": list(listed_ids),
            "rows": [e.row() for e in exposed],
            "at": at.isoformat(),
        },
    )


@dataclass(frozen=True, slots=True)
class _Kept:
    hops: int
    score: float


def changes(
    kept: Mapping[str, _Kept], now: Mapping[str, Exposed]
) -> list[tuple[Change, str, _Kept | None, Exposed | None]]:
    """(change, customer id, as kept, as now) for every customer whose exposure to one listed
    party changed its hop count, appeared or went."""
    found: list[tuple[Change, str, _Kept | None, Exposed | None]] = []
    for customer_id in sorted(kept.keys() | now.keys()):
        before, after = kept.get(customer_id), now.get(customer_id)
        if before is None and after is not None:
            found.append((Change.NEWLY_EXPOSED, customer_id, before, after))
        elif before is not None and after is None:
            found.append((Change.NO_LONGER_EXPOSED, customer_id, before, after))
        elif before is not None and after is not None and before.hops != after.hops:
            change = Change.CLOSER if after.hops < before.hops else Change.FURTHER
            found.append((change, customer_id, before, after))
    return found


async def rescreen(
    tx: WriteTransaction,
    listed_ids: Sequence[str],
    *,
    max_hops: int,
    as_of: dt.date,
    cap: int,
    cause: Cause,
    cause_ref: str,
    at: dt.datetime,
) -> list[AlertRecord]:
    """Re-screens the customers around `listed_ids` within one transaction: the kept exposures
    to them are brought up to date and an alert is raised for each change, committed together
    with whatever else the transaction holds (the listing that caused them)."""
    if not listed_ids:
        return []
    now, _ = await exposures_from(tx.run, listed_ids, max_hops=max_hops, as_of=as_of, cap=cap)
    kept: dict[str, dict[str, _Kept]] = {listed_id: {} for listed_id in listed_ids}
    for row in await tx.run(Q.exposures_current, {"listed_ids": list(listed_ids)}):
        kept[row["listed_id"]][row["customer_id"]] = _Kept(int(row["hops"]), float(row["score"]))
    drafts = []
    for listed_id in listed_ids:
        for change, customer_id, before, after in changes(kept[listed_id], now[listed_id]):
            drafts.append(
                {
                    "change": change.value,
                    "cause": cause.value,
                    "cause_ref": cause_ref,
                    "customer_id": customer_id,
                    "listed_id": listed_id,
                    "hops": after.hops if after else None,
                    "previous_hops": before.hops if before else None,
                    "score": after.score if after else before.score if before else None,
                    "path": path_json(after.path) if after else "[]",
                }
            )
    await keep_exposures(
        tx.run, listed_ids, (e for mine in now.values() for e in mine.values()), at
    )
    if not drafts:
        return []
    rows = await tx.run(Q.alerts_raise, {"alerts": drafts, "at": at.isoformat()})
    return [AlertRecord.from_map(r["alert"]) for r in rows]


def alert_path(alert: AlertRecord) -> Path:
    return path_from_json(alert.path)


async def listed_near(
    read: Read, party_ids: Sequence[str], *, within: int, as_of: dt.date, cap: int
) -> list[str]:
    """The parties listed on `as_of` that are among `party_ids` or within `within` hops of one."""
    if not party_ids:
        return []
    searches = await exposure.search(
        read,
        party_ids,
        max_hops=max(within, 1),
        types=exposure.LINK_TYPES,
        as_of=as_of,
        cap=cap,
        want=Want.LISTED,
        max_paths=1,
    )
    near = {s.start_id for s in searches.values() if s.start_listed}
    if within > 0:
        near |= {r.party_id for s in searches.values() for r in s.found}
    return sorted(near)


async def rescreen_after_load(
    db: Database,
    *,
    listing_changed: Sequence[str],
    ties_changed: Sequence[str],
    max_hops: int,
    as_of: dt.date,
    cap: int,
    cause_ref: str,
) -> tuple[list[str], list[AlertRecord]]:
    """After a load: the listed parties re-screened (those whose entries changed, and those near
    the ends of changed ties), and the alerts raised, a transaction per batch of them."""
    near = await listed_near(
        exposure.reader(db), ties_changed, within=max_hops - 1, as_of=as_of, cap=cap
    )
    affected = sorted(set(listing_changed) | set(near))
    alerts: list[AlertRecord] = []
    for start in range(0, len(affected), RESCREEN_BATCH):
        batch = affected[start : start + RESCREEN_BATCH]

        async def work(tx: WriteTransaction, batch: list[str] = batch) -> list[AlertRecord]:
            return await rescreen(
                tx,
                batch,
                max_hops=max_hops,
                as_of=as_of,
                cap=cap,
                cause=Cause.LOAD,
                cause_ref=cause_ref,
                at=dt.datetime.now(dt.UTC),
            )

        alerts += await db.write_unit(work, timeout=RESCREEN_SECONDS)
    return affected, alerts


async def warm_up(db: Database) -> None:
    """Runs the statements of a re-screen (and of `exposure` and `accessCheck`, the same search)
    once on nothing, so that Neo4j has planned and compiled them before the first listing or
    look needs them: planning the search took 22 s on the 100,000-customer bank on the busy
    2-core machine, past a query's timeout, so the warm-up has a re-screen's."""
    search = {
        "ids": [],
        "types": list(exposure.LINK_TYPES),
        "as_of": dt.date.today(),
        "today": dt.date.today(),
        "cap": 1,
        "control_share": exposure.CONTROL_SHARE,
        "max_hops": 1,
        "want": Want.CUSTOMER.value,
        "max_walked": 1,
    }
    await db.read(Q.reach_near, search, timeout=RESCREEN_SECONDS)
    await db.read(Q.reach_far, search, timeout=RESCREEN_SECONDS)
    await db.read(Q.exposures_current, {"listed_ids": []}, timeout=RESCREEN_SECONDS)
    await db.write(
        Q.exposures_set,
        {"listed_ids": [], "rows": [], "at": "2000-01-01T00:00:00Z"},
        timeout=RESCREEN_SECONDS,
    )


async def alerts_after(db: Database, after: int, limit: int = 100) -> list[AlertRecord]:
    rows = await db.read(Q.alerts_after, {"after": after, "limit": limit})
    return [AlertRecord.from_map(r["alert"]) for r in rows]


async def last_alert(db: Database) -> int:
    (row,) = await db.read(Q.alerts_head)
    return int(row["seq"])


async def alerts_page(
    db: Database, *, status: str | None, before: int | None, limit: int
) -> tuple[list[AlertRecord], bool, int]:
    """A page of alerts, newest first, from before alert number `before` (alerts raised while
    one pages do not shift the pages), whether more follow, and how many there are."""
    rows = await db.read(Q.alerts_page, {"status": status, "before": before, "limit": limit + 1})
    (count,) = await db.read(Q.alerts_count, {"status": status})
    alerts = [AlertRecord.from_map(r["alert"]) for r in rows]
    return alerts[:limit], len(alerts) > limit, int(count["total"])


async def acknowledge(
    tx: WriteTransaction, alert_id: str, *, note: str, actor: str, at: dt.datetime
) -> tuple[AlertRecord, bool] | None:
    """The alert after acknowledging it and whether it was open, or None when there is none."""
    rows = await tx.run(
        Q.alert_acknowledge, {"id": alert_id, "note": note, "actor": actor, "at": at.isoformat()}
    )
    if not rows:
        return None
    return AlertRecord.from_map(rows[0]["alert"]), bool(rows[0]["was_open"])
