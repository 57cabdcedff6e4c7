"""Exposure alerts (graph/monitoring.py): `exposureAlerts`, `acknowledgeAlert`, and the
subscription `exposureAlertRaised` that pushes new alerts to compliance screens as they happen.

One `AlertFeed` per app follows the alerts by number: every `poll_seconds`, or at once when this
process raised some (a listing), it reads the alerts after the last it has seen and hands them to
every subscriber. Polling also brings the alerts other processes raise (`relgraph load`, another
API worker); alerts are numbered in commit order, so none is skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator
from enum import StrEnum

import strawberry

from graph import monitoring
from graph.db import Database, WriteTransaction
from graph.records import AlertRecord
from schema.compliance.audit import record_change, record_look
from schema.compliance.inputs import MAX_REASON, required_text
from schema.compliance.paths import ExposurePath, path_of, shown_parties
from schema.core.context import CtxInfo
from schema.core.entities import CustomerRef, PartyRef, customer_of, party_of
from schema.core.errors import ConflictError, NotFoundError
from schema.core.pagination import Connection, bounded, decode_cursor, keyed_connection

log = logging.getLogger("relgraph.alerts")
# Alerts read per poll; a poll that fills it reads again at once.
FEED_BATCH = 500


@strawberry.enum(description="Where an alert stands")
class AlertStatus(StrEnum):
    OPEN = "OPEN"
    ACKNOWLEDGED = "ACKNOWLEDGED"


strawberry.enum(monitoring.Change, name="ExposureChange", description="What changed")
strawberry.enum(monitoring.Cause, name="AlertCause", description="Why it changed")


@strawberry.type(description="A change in who is exposed to a listed party (禁止名单).")
class ExposureAlert:
    id: strawberry.ID
    seq: int = strawberry.field(description="Alerts are numbered in the order they were raised.")
    raised_at: dt.datetime
    status: AlertStatus
    change: monitoring.Change
    cause: monitoring.Cause
    cause_ref: str = strawberry.field(
        description="The list entry listed or delisted, or the folder a load read."
    )
    hops: int | None = strawberry.field(description="Hops now; null once no longer exposed.")
    previous_hops: int | None = strawberry.field(description="Hops before; null when new.")
    score: float | None
    note: str | None
    acknowledged_by: strawberry.ID | None
    acknowledged_at: dt.datetime | None
    record: strawberry.Private[AlertRecord]

    @strawberry.field(description="The customer whose exposure changed.")
    async def customer(self, info: CtxInfo) -> CustomerRef:
        (shown,) = await shown_parties(info, [self.record.customer_id])
        return customer_of(shown)

    @strawberry.field(description="The listed party.")
    async def listed_party(self, info: CtxInfo) -> PartyRef:
        (shown,) = await shown_parties(info, [self.record.listed_id])
        return party_of(shown)

    @strawberry.field(
        description="The strongest path now, from the customer to the listed party; null once "
        "no longer exposed (a listed customer's own listing has an empty path)."
    )
    def path(self) -> ExposurePath | None:
        if self.record.hops is None or self.record.score is None:
            return None
        return path_of(monitoring.alert_path(self.record), self.record.score)


def alert_of(record: AlertRecord) -> ExposureAlert:
    return ExposureAlert(
        id=strawberry.ID(record.id),
        seq=record.seq,
        raised_at=record.raised_at,
        status=AlertStatus(record.status),
        change=monitoring.Change(record.change),
        cause=monitoring.Cause(record.cause),
        cause_ref=record.cause_ref,
        hops=record.hops,
        previous_hops=record.previous_hops,
        score=record.score,
        note=record.note,
        acknowledged_by=strawberry.ID(record.acknowledged_by) if record.acknowledged_by else None,
        acknowledged_at=record.acknowledged_at,
        record=record,
    )


async def exposure_alerts(
    info: CtxInfo, status: AlertStatus | None, first: int | None, after: str | None
) -> Connection[ExposureAlert]:
    info.context.caller.require_compliance()
    size = bounded(first)
    # The cursor names an alert's number: the page goes on from before it.
    before = decode_cursor(after) if after is not None else None
    records, more, total = await monitoring.alerts_page(
        info.context.db, status=status.value if status else None, before=before, limit=size
    )
    params = {"status": status, "first": size, "before": before}
    await record_look(info, "exposureAlerts", "*", params, len(records))
    return keyed_connection([(r.seq, alert_of(r)) for r in records], more, total, after)


async def acknowledge_alert(info: CtxInfo, alert_id: str, note: str) -> ExposureAlert:
    caller = info.context.caller
    caller.require_compliance()
    text = required_text("note", note, MAX_REASON)

    async def unit(tx: WriteTransaction) -> AlertRecord:
        done = await monitoring.acknowledge(
            tx, alert_id, note=text, actor=caller.employee.id, at=dt.datetime.now(dt.UTC)
        )
        if done is None:
            raise NotFoundError("alert", alert_id)
        alert, was_open = done
        if not was_open:
            raise ConflictError(f"alert {alert_id!r} was acknowledged already")
        await record_change(tx, info, "acknowledgeAlert", alert_id, {"note": text}, 1)
        return alert

    return alert_of(await info.context.db.write_unit(unit))


class AlertFeed:
    """The app's one follower of the alerts, handing each new one to every subscriber."""

    def __init__(self, db: Database, poll_seconds: float) -> None:
        self._db = db
        self._poll_seconds = poll_seconds
        self._subscribers: set[asyncio.Queue[AlertRecord]] = set()
        self._seen = 0
        self._wake: asyncio.Event | None = None
        self._polling: asyncio.Task[None] | None = None

    def notify(self) -> None:
        """This process raised alerts: read them now rather than at the next poll."""
        if self._wake is not None:
            self._wake.set()

    async def subscribe(self, after: int | None = None) -> AsyncIterator[AlertRecord]:
        """The alerts raised from now on as they are raised, until the subscriber leaves; with
        `after`, first those numbered after it (a screen that reconnects misses none)."""
        queue: asyncio.Queue[AlertRecord] = asyncio.Queue()
        if self._polling is None or self._polling.done():
            self._seen = await monitoring.last_alert(self._db)
            self._wake = asyncio.Event()
            self._polling = asyncio.create_task(self._poll())
        self._subscribers.add(queue)  # before the backlog is read: nothing falls in between
        try:
            last = after if after is not None else self._seen
            if after is not None:
                while True:
                    backlog = await monitoring.alerts_after(self._db, last, FEED_BATCH)
                    for alert in backlog:
                        last = alert.seq
                        yield alert
                    if len(backlog) < FEED_BATCH:
                        break
            while True:
                alert = await queue.get()
                if alert.seq > last:
                    last = alert.seq
                    yield alert
        finally:
            self._subscribers.discard(queue)
            if not self._subscribers and self._polling is not None:
                self._polling.cancel()
                self._polling = None

    async def _poll(self) -> None:
        wake = self._wake
        assert wake is not None
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), self._poll_seconds)
            wake.clear()
            try:
                alerts = await monitoring.alerts_after(self._db, self._seen, FEED_BATCH)
            except Exception as exc:
                log.warning("reading new alerts failed (will try again): %s", exc)
                continue
            for alert in alerts:
                self._seen = alert.seq
                for queue in self._subscribers:
                    queue.put_nowait(alert)
            if len(alerts) == FEED_BATCH:
                wake.set()


async def alerts_raised(info: CtxInfo, after: int | None) -> AsyncIterator[ExposureAlert]:
    info.context.caller.require_compliance()
    await record_look(info, "exposureAlertRaised", "*", {"after": after}, 0)
    feed = info.context.services.get(AlertFeed)
    async for record in feed.subscribe(after):
        yield alert_of(record)
