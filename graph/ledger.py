"""Append-only, hash-chained ledgers: the one mechanism behind the audit log of compliance queries
and the referral-credit entries (seed 004: shared records must be traceable and tamper-evident,
without a blockchain).

A ledger is a sequence of entries numbered 1, 2, 3, … Each entry stores the SHA-256 hash of its
own content together with the previous entry's hash, so the hashes form a chain from the genesis
value. relgraph only ever appends (a correction is a new entry, e.g. a reversal, never an edit);
`verify` walks the chain and names the first entry that does not fit:

- an edited entry no longer matches its own hash;
- a deleted entry leaves a gap in the numbering (or, at the end, a head that points past the last
  entry);
- entries moved to other places no longer chain: an entry's stored previous hash differs from the
  hash of the entry before it.

Whoever can rewrite every entry after an edit could recompute the chain; the head hash that
`verify` prints, kept outside the graph (a daily report, a ticket), shows that too.

Appends to one ledger are serialised by a write lock on its head node, in one transaction with
the entries, so each entry chains onto the one before it even under concurrent writers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from graph.batching import Batcher
from graph.db import Database, WriteTransaction
from graph.records import record, to_datetime
from queries import Q

GENESIS = "0" * 64
VERIFY_BATCH = 5000


class Ledger(StrEnum):
    """relgraph's ledgers. The functions below take any ledger name (tests use their own)."""

    AUDIT = "audit"  # every compliance look: who, when, what, how many results
    CREDIT = "credit"  # referral credit (业绩分成) entries and their reversals


@dataclass(frozen=True)
class Draft:
    """An entry to append: what happened (`kind`), to what (`subject`, an entity id), by whom, and
    its details as JSON-able values (Decimals and dates are written as text)."""

    kind: str
    subject: str
    actor: str
    payload: Mapping[str, Any]


@record
class LedgerEntry:
    ledger: str
    seq: int
    id: str
    at: dt.datetime
    kind: str
    subject: str
    actor: str
    payload: str  # canonical JSON
    prev_hash: str
    hash: str

    def details(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.payload)
        return value


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    raise TypeError(f"not a ledger value: {value!r}")


def canonical_json(payload: Mapping[str, Any]) -> str:
    """One text for one content: keys sorted, no spaces, UTF-8 as is, Decimals as their text."""
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_value
    )


def entry_hash(
    ledger: str,
    seq: int,
    at: dt.datetime,
    kind: str,
    subject: str,
    actor: str,
    payload: str,
    prev_hash: str,
) -> str:
    content = canonical_json(
        {
            "ledger": ledger,
            "seq": seq,
            "at": at.isoformat(),
            "kind": kind,
            "subject": subject,
            "actor": actor,
            "payload": payload,
            "prev_hash": prev_hash,
        }
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _hash_of(entry: LedgerEntry) -> str:
    return entry_hash(
        entry.ledger,
        entry.seq,
        entry.at,
        entry.kind,
        entry.subject,
        entry.actor,
        entry.payload,
        entry.prev_hash,
    )


def chain(
    ledger: str, head_seq: int, head_hash: str, drafts: Sequence[Draft], at: dt.datetime
) -> list[LedgerEntry]:
    """The entries `drafts` become when appended after a head at (`head_seq`, `head_hash`)."""
    entries: list[LedgerEntry] = []
    prev_hash, seq = head_hash, head_seq
    for draft in drafts:
        seq += 1
        payload = canonical_json(draft.payload)
        digest = entry_hash(
            ledger, seq, at, draft.kind, draft.subject, draft.actor, payload, prev_hash
        )
        entries.append(
            LedgerEntry(
                ledger=ledger,
                seq=seq,
                id=f"{ledger}:{seq}",
                at=at,
                kind=draft.kind,
                subject=draft.subject,
                actor=draft.actor,
                payload=payload,
                prev_hash=prev_hash,
                hash=digest,
            )
        )
        prev_hash = digest
    return entries


async def append_in(
    tx: WriteTransaction, ledger: str, drafts: Sequence[Draft], at: dt.datetime | None = None
) -> list[LedgerEntry]:
    """Appends within a caller's transaction, so that what the entries record and the entries
    themselves commit together (a won referral and its credit, say)."""
    if not drafts:
        return []
    when = at or dt.datetime.now(dt.UTC)
    (head,) = await tx.run(Q.ledger_head_lock, {"ledger": ledger, "genesis": GENESIS})
    entries = chain(ledger, int(head["seq"]), str(head["hash"]), drafts, when)
    await tx.run(
        Q.ledger_append,
        {
            "ledger": ledger,
            "entries": [_params(e) for e in entries],
            "seq": entries[-1].seq,
            "hash": entries[-1].hash,
        },
    )
    return entries


async def append(
    db: Database, ledger: str, drafts: Sequence[Draft], at: dt.datetime | None = None
) -> list[LedgerEntry]:
    """Appends `drafts` in one transaction of their own."""

    async def work(tx: WriteTransaction) -> list[LedgerEntry]:
        return await append_in(tx, ledger, drafts, at)

    return await db.write_unit(work)


class LedgerWriter:
    """Appends to one ledger for many concurrent callers, in batches (graph/batching.py): one
    commit, and one hold of the head's lock, serves the drafts that arrived meanwhile. Each
    caller gets its own entry back once it is committed, or the exception its transaction
    raised."""

    def __init__(self, db: Database, ledger: str, max_batch: int = 200) -> None:
        self._db = db
        self._ledger = ledger
        self._batcher: Batcher[Draft, LedgerEntry] = Batcher(self._write, max_batch)

    @property
    def ledger(self) -> str:
        return self._ledger

    async def append(self, draft: Draft) -> LedgerEntry:
        return await self._batcher.submit(draft)

    async def _write(self, drafts: list[Draft]) -> list[LedgerEntry]:
        return await append(self._db, self._ledger, drafts)


def _params(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "id": entry.id,
        "at": entry.at.isoformat(),
        "kind": entry.kind,
        "subject": entry.subject,
        "actor": entry.actor,
        "payload": entry.payload,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def entry_of(row: Mapping[str, Any]) -> LedgerEntry:
    at = to_datetime(row["at"])
    assert at is not None
    return LedgerEntry(
        ledger=row["ledger"],
        seq=int(row["seq"]),
        id=row["id"],
        at=at,
        kind=row["kind"],
        subject=row["subject"],
        actor=row["actor"],
        payload=row["payload"],
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )


async def entries_page(
    db: Database,
    ledger: str,
    *,
    since: dt.datetime | None,
    until: dt.datetime | None,
    actor: str | None,
    subject: str | None,
    before: int | None,
    limit: int,
) -> tuple[list[LedgerEntry], bool, int]:
    """A page of a ledger's entries, newest first, from before entry `before` (keyed by sequence
    number, so that entries appended meanwhile, reading the audit log among them, do not shift
    the pages), whether more follow, and how many match in all: at or after `since`, before
    `until`, by `actor`, about `subject` (None for any)."""
    params = {
        "ledger": ledger,
        "from": since.isoformat() if since else None,
        "to": until.isoformat() if until else None,
        "actor": actor,
        "subject": subject,
    }
    rows = await db.read(Q.ledger_entries_page, {**params, "before": before, "limit": limit + 1})
    (count,) = await db.read(Q.ledger_entries_count, params)
    entries = [entry_of(r["entry"]) for r in rows]
    return entries[:limit], len(entries) > limit, int(count["total"])


@dataclass(frozen=True)
class Verification:
    """What `verify` found: entries checked, the head, and the first bad entry if any."""

    ledger: str
    checked: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.first_bad_seq is None


class _ChainWalk:
    """Checks entries fed in sequence order, one at a time, against the chain so far."""

    def __init__(self) -> None:
        self.expected_seq = 1
        self.prev_hash = GENESIS

    @property
    def checked(self) -> int:
        return self.expected_seq - 1

    def problem(self, entry: LedgerEntry) -> tuple[int, str] | None:
        """(the first bad sequence number, what is wrong), or None when `entry` fits."""
        seq = self.expected_seq
        if entry.seq != seq:
            return seq, f"entry {seq} is missing (deleted?); the next is {entry.seq}"
        if entry.prev_hash != self.prev_hash:
            return seq, f"entry {seq} does not chain onto entry {seq - 1} (moved or replaced?)"
        if _hash_of(entry) != entry.hash:
            return seq, f"entry {seq} does not match its hash (edited?)"
        self.prev_hash, self.expected_seq = entry.hash, seq + 1
        return None

    def end(self, head_seq: int, head_hash: str) -> tuple[int, str] | None:
        if head_seq != self.checked or head_hash != self.prev_hash:
            return (
                self.checked + 1,
                f"the head points at entry {head_seq}, the chain ends at entry {self.checked} "
                "(deleted?)",
            )
        return None


def check_chain(
    ledger: str, entries: Sequence[LedgerEntry], head_seq: int, head_hash: str | None
) -> Verification:
    """Checks entries given in sequence order against each other and the head."""
    walk = _ChainWalk()
    return _verdict(ledger, walk, entries, head_seq, head_hash or GENESIS, last_batch=True)


def _verdict(
    ledger: str,
    walk: _ChainWalk,
    entries: Sequence[LedgerEntry],
    head_seq: int,
    head_hash: str,
    *,
    last_batch: bool,
) -> Verification:
    """The verdict after feeding `entries`: bad as soon as one entry is, else ok so far (or,
    after the last batch, checked against the head)."""
    for entry in entries:
        bad = walk.problem(entry)
        if bad is not None:
            return Verification(ledger, walk.checked, head_seq, head_hash, *bad)
    if last_batch:
        bad = walk.end(head_seq, head_hash)
        if bad is not None:
            return Verification(ledger, walk.checked, head_seq, head_hash, *bad)
    return Verification(ledger, walk.checked, head_seq, head_hash)


async def verify(db: Database, ledger: str, batch: int = VERIFY_BATCH) -> Verification:
    """Walks the whole ledger in sequence order, a batch at a time; stops at the first bad entry."""
    (head,) = await db.read(Q.ledger_head, {"ledger": ledger})
    head_seq, head_hash = int(head["seq"]), head["hash"] or GENESIS
    walk = _ChainWalk()
    from_seq = 1
    while True:
        rows = await db.read(
            Q.ledger_entries_from, {"ledger": ledger, "from_seq": from_seq, "limit": batch}
        )
        entries = [entry_of(r["entry"]) for r in rows]
        last_batch = len(rows) < batch
        verdict = _verdict(ledger, walk, entries, head_seq, head_hash, last_batch=last_batch)
        if not verdict.ok or last_batch:
            return verdict
        from_seq = entries[-1].seq + 1
