"""Compliance (合规): exposure to listed entities (禁止名单穿透), the lists themselves, bulk
screening runs, alerts when exposure changes, access checks (准入) and the audit of every look.

Everything here is for the compliance and admin roles only (`Caller.require_compliance`), and
every query and change is recorded in the audit ledger before it is answered (audit.py).
docs/compliance.md has the model, the score and the design.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from graph import model
from graph.ledger import Ledger
from schema.compliance import admission, alerts, audit, exposure, lists, screening
from schema.compliance.admission import AccessDecision
from schema.compliance.alerts import AlertFeed, AlertStatus, ExposureAlert
from schema.compliance.audit import AuditEntry, AuditTrail
from schema.compliance.exposure import ExposureReport
from schema.compliance.lists import ListingChange
from schema.compliance.paths import ExposureVia
from schema.compliance.screening import FlaggedCustomer, ScreeningRun
from schema.core.context import CtxInfo
from schema.core.entities import ListEntry
from schema.core.pagination import Connection


@strawberry.type
class ComplianceQuery:
    @strawberry.field(
        description="Every listed party (禁止名单) within maxHops (1–6) of a party over the tie "
        "types in `via` (all by default), as of a date (today by default), nearest first, each "
        "with its shortest paths and score. Compliance and admin only."
    )
    async def exposure(
        self,
        info: CtxInfo,
        party_id: strawberry.ID,
        max_hops: int = 3,
        via: list[ExposureVia] | None = None,
        as_of: dt.date | None = None,
        first: int | None = 20,
    ) -> ExposureReport:
        return await exposure.exposure_report(info, str(party_id), max_hops, via, as_of, first)

    @strawberry.field(
        description="List entries, newest first: of one list kind, in force on a day. "
        "Compliance and admin only."
    )
    async def list_entries(
        self,
        info: CtxInfo,
        list: model.ListKind | None = None,
        active_on: dt.date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ListEntry]:
        return await lists.list_entries(info, list, active_on, first, after)

    @strawberry.field(description="A screening run. Compliance and admin only.")
    async def screening_run(self, info: CtxInfo, id: strawberry.ID) -> ScreeningRun:
        return await screening.screening_run(info, str(id))

    @strawberry.field(description="Screening runs, newest first. Compliance and admin only.")
    async def screening_runs(
        self, info: CtxInfo, first: int | None = None, after: str | None = None
    ) -> Connection[ScreeningRun]:
        return await screening.screening_runs(info, first, after)

    @strawberry.field(
        description="The customers a screening run flags, highest score first. Compliance and "
        "admin only."
    )
    async def flagged_customers(
        self,
        info: CtxInfo,
        run_id: strawberry.ID,
        min_score: float = 0.0,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[FlaggedCustomer]:
        return await screening.flagged_customers(info, str(run_id), min_score, first, after)

    @strawberry.field(description="Exposure alerts, newest first. Compliance and admin only.")
    async def exposure_alerts(
        self,
        info: CtxInfo,
        status: AlertStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ExposureAlert]:
        return await alerts.exposure_alerts(info, status, first, after)

    @strawberry.field(
        description="May a customer buy a product (准入)? Every reason against it, with its "
        "evidence. Compliance and admin only."
    )
    async def access_check(
        self, info: CtxInfo, customer_id: strawberry.ID, product_id: strawberry.ID
    ) -> AccessDecision:
        return await admission.access_check(info, str(customer_id), str(product_id))

    @strawberry.field(
        description="The audit log of compliance queries and changes, newest first: from "
        "(inclusive) to (exclusive), by an employee, about an entity. Compliance and admin only."
    )
    async def audit_log(
        self,
        info: CtxInfo,
        from_: Annotated[dt.datetime | None, strawberry.argument(name="from")] = None,
        to: dt.datetime | None = None,
        actor: strawberry.ID | None = None,
        entity_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AuditEntry]:
        return await audit.audit_log(
            info,
            Ledger.AUDIT,
            from_,
            to,
            str(actor) if actor else None,
            str(entity_id) if entity_id else None,
            first,
            after,
        )


@strawberry.type
class ComplianceMutation:
    @strawberry.mutation(
        description="Puts a party on a list from today, with a reason; a prohibition re-screens "
        "the customers around it and raises alerts. Compliance and admin only."
    )
    async def list_entity(
        self,
        info: CtxInfo,
        party_id: strawberry.ID,
        list: model.ListKind,
        reason: str,
        source: str | None = None,
        list_name: Annotated[
            str | None,
            strawberry.argument(
                description="The list's name: 内部禁止名单 by default for PROHIBITION, required "
                "for ACCESS (the 准入名单 a product type requires, say 投资人准入名单)."
            ),
        ] = None,
    ) -> ListingChange:
        return await lists.list_entity(info, str(party_id), list, reason, source, list_name)

    @strawberry.mutation(
        description="Closes a list entry from today, with a reason (the entry is kept); a "
        "prohibition re-screens the customers around the party. Compliance and admin only."
    )
    async def delist_entity(
        self, info: CtxInfo, entry_id: strawberry.ID, reason: str
    ) -> ListingChange:
        return await lists.delist_entity(info, str(entry_id), reason)

    @strawberry.mutation(description="Acknowledges an alert with a note. Compliance and admin.")
    async def acknowledge_alert(self, info: CtxInfo, id: strawberry.ID, note: str) -> ExposureAlert:
        return await alerts.acknowledge_alert(info, str(id), note)


@strawberry.type
class ComplianceSubscription:
    @strawberry.subscription(
        description="New exposure alerts as they are raised (graphql-transport-ws on /graphql, "
        "the bearer token in connection_init's payload). Compliance and admin only."
    )
    async def exposure_alert_raised(
        self,
        info: CtxInfo,
        after: Annotated[
            int | None,
            strawberry.argument(
                description="Send first the alerts numbered after this one (a screen that "
                "reconnects passes the last `seq` it saw, and misses none)."
            ),
        ] = None,
    ) -> AsyncGenerator[ExposureAlert, None]:
        async for alert in alerts.alerts_raised(info, after):
            yield alert


__all__ = [
    "AlertFeed",
    "AuditTrail",
    "ComplianceMutation",
    "ComplianceQuery",
    "ComplianceSubscription",
]
