"""Who looked (审计): every compliance query and change is recorded in the audit ledger
(graph/ledger.py, `Ledger.AUDIT`: append-only, hash-chained) before it is answered: who, when,
which entity, the parameters and how many results. A look whose record cannot be written is not
answered: the field fails with AUDIT_FAILED and its data is null.

Reads append through the app's `AuditTrail` (concurrent looks share a transaction); changes
append in their own transaction with the change (`draft` and graph.ledger.append_in), so the
change and its record commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping
from typing import Any

import strawberry

from graph.db import WriteTransaction, retried
from graph.ledger import Draft, Ledger, LedgerEntry, LedgerWriter, append_in, entries_page
from schema.core.context import CtxInfo
from schema.core.errors import AuditFailedError
from schema.core.pagination import Connection, bounded, decode_cursor, keyed_connection

log = logging.getLogger("relgraph.audit")


class AuditTrail:
    """The app's writer of the audit ledger: registered as a service (api/app.py)."""

    def __init__(self, writer: LedgerWriter) -> None:
        self.writer = writer


def draft(info: CtxInfo, kind: str, subject: str, params: Mapping[str, Any], results: int) -> Draft:
    caller = info.context.caller
    return Draft(
        kind=kind,
        subject=subject,
        actor=caller.employee.id,
        payload={
            "roles": sorted(role.value for role in caller.principal.roles),
            "params": dict(params),
            "results": results,
        },
    )


async def record_look(
    info: CtxInfo, kind: str, subject: str, params: Mapping[str, Any], results: int
) -> None:
    """Records a look; raises AuditFailedError (and the look goes unanswered) when the record
    cannot be written."""
    trail = info.context.services.get(AuditTrail)
    try:
        await trail.writer.append(draft(info, kind, subject, params, results))
    except Exception as exc:
        log.error("the audit record of %s on %s could not be written", kind, subject, exc_info=exc)
        raise AuditFailedError(
            "the audit record of this query could not be written, so it is not answered"
        ) from exc


async def record_change(
    tx: WriteTransaction,
    info: CtxInfo,
    kind: str,
    subject: str,
    params: Mapping[str, Any],
    results: int,
) -> None:
    """Records a change in the change's own transaction; when the record cannot be written, the
    change is not made either (AUDIT_FAILED; the transaction rolls back)."""
    try:
        await append_in(tx, Ledger.AUDIT, [draft(info, kind, subject, params, results)])
    except Exception as exc:
        if retried(exc):
            raise
        log.error("the audit record of %s on %s could not be written", kind, subject, exc_info=exc)
        raise AuditFailedError(
            "the audit record of this change could not be written, so it was not made"
        ) from exc


@strawberry.type(description="One record of the audit log: who looked at what, when.")
class AuditEntry:
    seq: int = strawberry.field(description="Its place in the hash chain, from 1.")
    at: dt.datetime
    kind: str = strawberry.field(description="The query or change: exposure, accessCheck, …")
    subject: strawberry.ID = strawberry.field(description="The entity looked at or changed.")
    actor: strawberry.ID = strawberry.field(description="The employee who looked.")
    hash: str
    prev_hash: str
    record: strawberry.Private[LedgerEntry]

    @strawberry.field(description="The parameters of the query or change, as JSON.")
    def parameters(self) -> str:
        return json.dumps(self._payload().get("params", {}), ensure_ascii=False, sort_keys=True)

    @strawberry.field(description="How many results it answered with.")
    def results(self) -> int | None:
        value = self._payload().get("results")
        return value if isinstance(value, int) else None

    @strawberry.field(description="The roles the caller's token granted.")
    def roles(self) -> list[str]:
        return [str(r) for r in self._payload().get("roles", [])]

    def _payload(self) -> dict[str, Any]:
        return self.record.details()


def _entry(record: LedgerEntry) -> AuditEntry:
    return AuditEntry(
        seq=record.seq,
        at=record.at,
        kind=record.kind,
        subject=strawberry.ID(record.subject),
        actor=strawberry.ID(record.actor),
        hash=record.hash,
        prev_hash=record.prev_hash,
        record=record,
    )


async def audit_log(
    info: CtxInfo,
    ledger: str,
    since: dt.datetime | None,
    until: dt.datetime | None,
    actor: str | None,
    entity_id: str | None,
    first: int | None,
    after: str | None,
) -> Connection[AuditEntry]:
    info.context.caller.require_compliance()
    size = bounded(first)
    # The cursor names an entry's sequence number: the page goes on from before it.
    before = decode_cursor(after) if after is not None else None
    entries, more, total = await entries_page(
        info.context.db,
        ledger,
        since=since,
        until=until,
        actor=actor,
        subject=entity_id,
        before=before,
        limit=size,
    )
    params = {
        "from": since,
        "to": until,
        "actor": actor,
        "entityId": entity_id,
        "first": size,
        "before": before,
    }
    await record_look(info, "auditLog", entity_id or "*", params, len(entries))
    return keyed_connection([(e.seq, _entry(e)) for e in entries], more, total, after)
