"""Prohibition (禁止名单) and access (准入名单) lists: `listEntity` and `delistEntity` (a delisting
closes an entry, never deletes it), `listEntries`.

A change to a prohibition list re-screens the customers around the party in the same
transaction (graph/monitoring.py): the entry, the exposures kept, the alerts and the audit record
commit together or not at all; the alerts are then pushed to subscribers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from graph import lists, model, monitoring
from graph.compliance import ComplianceRules
from graph.db import WriteTransaction
from graph.records import AlertRecord, ListEntryRecord
from schema.compliance.alerts import AlertFeed, ExposureAlert, alert_of
from schema.compliance.audit import record_change, record_look
from schema.compliance.inputs import (
    MAX_LIST_NAME,
    MAX_REASON,
    MAX_SOURCE,
    checked_text,
    required_text,
)
from schema.compliance.paths import prime, shown_parties
from schema.core.context import CtxInfo
from schema.core.entities import ListEntry, list_entry_of
from schema.core.errors import ConflictError, NotFoundError
from schema.core.pagination import Connection, page_window

# The list a prohibition goes on when the caller names none.
DEFAULT_PROHIBITION_LIST = "内部禁止名单"


@strawberry.type(description="A list entry made or closed, and the alerts it raised.")
class ListingChange:
    entry: ListEntry
    alerts: list[ExposureAlert] = strawberry.field(
        description="Customers whose exposure the change altered (prohibition lists only)."
    )


async def _change(
    info: CtxInfo,
    kind: str,
    params: dict[str, Any],
    work: Callable[[WriteTransaction], Awaitable[tuple[ListEntryRecord, list[AlertRecord]]]],
) -> ListingChange:
    """Runs `work` and appends the audit record of the change in the same transaction, then
    pushes the alerts it raised."""

    async def unit(tx: WriteTransaction) -> tuple[ListEntryRecord, list[AlertRecord]]:
        entry, alerts = await work(tx)
        await record_change(tx, info, kind, entry.id, {**params, "partyId": entry.party_id}, 1)
        return entry, alerts

    entry, alerts = await info.context.db.write_unit(unit, timeout=monitoring.RESCREEN_SECONDS)
    if alerts:
        info.context.services.get(AlertFeed).notify()
    return ListingChange(entry=list_entry_of(entry), alerts=[alert_of(a) for a in alerts])


async def _monitored_hops(info: CtxInfo) -> int:
    rules = info.context.services.get(ComplianceRules)
    return await monitoring.monitored_hops(info.context.db, rules.screening_max_hops)


async def _rescreen(
    info: CtxInfo,
    tx: WriteTransaction,
    entry: ListEntryRecord,
    cause: monitoring.Cause,
    hops: int,
) -> list[AlertRecord]:
    if entry.list != model.ListKind.PROHIBITION:
        return []
    rules = info.context.services.get(ComplianceRules)
    return await monitoring.rescreen(
        tx,
        [entry.party_id],
        max_hops=hops,
        as_of=info.context.today,
        cap=rules.screening_fanout_cap,
        cause=cause,
        cause_ref=entry.id,
        at=dt.datetime.now(dt.UTC),
    )


async def list_entity(
    info: CtxInfo,
    party_id: str,
    kind: model.ListKind,
    reason: str,
    source: str | None,
    list_name: str | None,
) -> ListingChange:
    caller = info.context.caller
    caller.require_compliance()
    why = required_text("reason", reason, MAX_REASON)
    where = checked_text("source", source, MAX_SOURCE, required=False)
    name = checked_text(
        "listName", list_name, MAX_LIST_NAME, required=kind is model.ListKind.ACCESS
    )
    await shown_parties(info, [party_id])  # NOT_FOUND, or FORBIDDEN out of scope
    hops = await _monitored_hops(info)
    params = {"list": kind, "listName": name or DEFAULT_PROHIBITION_LIST, "reason": why}

    async def work(tx: WriteTransaction) -> tuple[ListEntryRecord, list[AlertRecord]]:
        entry = await lists.create_entry(
            tx,
            party_id=party_id,
            kind=kind,
            list_name=name or DEFAULT_PROHIBITION_LIST,
            reason=why,
            source=where,
            actor=caller.employee.id,
            today=info.context.today,
        )
        if entry is None:
            raise NotFoundError("party", party_id)
        return entry, await _rescreen(info, tx, entry, monitoring.Cause.LISTING, hops)

    return await _change(info, "listEntity", {**params, "source": where}, work)


async def delist_entity(info: CtxInfo, entry_id: str, reason: str) -> ListingChange:
    caller = info.context.caller
    caller.require_compliance()
    why = required_text("reason", reason, MAX_REASON)
    hops = await _monitored_hops(info)

    async def work(tx: WriteTransaction) -> tuple[ListEntryRecord, list[AlertRecord]]:
        closed = await lists.close_entry(
            tx, entry_id, reason=why, actor=caller.employee.id, today=info.context.today
        )
        if closed is None:
            raise NotFoundError("list entry", entry_id)
        entry, was_open = closed
        if not was_open:
            raise ConflictError(f"list entry {entry_id!r} was closed already")
        return entry, await _rescreen(info, tx, entry, monitoring.Cause.DELISTING, hops)

    return await _change(info, "delistEntity", {"reason": why}, work)


async def list_entries(
    info: CtxInfo,
    kind: model.ListKind | None,
    active_on: dt.date | None,
    first: int | None,
    after: str | None,
) -> Connection[ListEntry]:
    info.context.caller.require_compliance()
    offset, size = page_window(first, after)
    visibility = info.context.visibility
    page, total = await lists.entries_page(
        info.context.db,
        kind=kind,
        active_on=active_on,
        scope=visibility.cypher_scope,
        offset=offset,
        limit=size,
    )
    shown = visibility.keep(page, lambda item: item[1])
    prime(info, [party for (_, party), _ in shown])
    params = {"list": kind, "activeOn": active_on, "first": size, "offset": offset}
    await record_look(info, "listEntries", "*", params, len(shown))
    return Connection.of([list_entry_of(entry) for (entry, _), _ in shown], offset, total)
