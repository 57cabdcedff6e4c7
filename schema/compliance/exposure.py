"""`exposure`: every listed party (禁止名单) a party reaches within a hop count over chosen tie
types, as of a date, each with its shortest paths and a score (graph/exposure.py)."""

from __future__ import annotations

import datetime as dt

import strawberry

from graph import exposure
from graph.compliance import ComplianceRules
from graph.model import ListKind
from schema.compliance.audit import record_look
from schema.compliance.paths import (
    VIA_TIE_TYPES,
    ExposureVia,
    ListedExposure,
    TraversalCut,
    cut_of,
    listed_exposure,
    prime,
)
from schema.core.access import ShownParty
from schema.core.context import CtxInfo
from schema.core.entities import ListEntry, PartyRef, list_entry_of, party_of
from schema.core.errors import InvalidArgumentError, NotFoundError
from schema.core.pagination import bounded


@strawberry.type(description="The listed parties one party is exposed to (禁止名单穿透).")
class ExposureReport:
    as_of: dt.date = strawberry.field(description="Ties and list entries as they were that day.")
    max_hops: int
    via: list[ExposureVia]
    partial: bool = strawberry.field(
        description="Some party had more ties than the fan-out cap and was not crossed: `cuts`."
    )
    cuts: list[TraversalCut]
    total_count: int = strawberry.field(description="How many listed parties were found.")
    listed: list[ListedExposure] = strawberry.field(
        description="Nearest first, then by score: at most `first` of them."
    )
    party_entries: list[ListEntry] = strawberry.field(
        description="The party's own prohibition-list entries in force: it is listed itself."
    )
    shown: strawberry.Private[ShownParty]

    @strawberry.field(description="The party searched from.")
    def party(self) -> PartyRef:
        return party_of(self.shown)


def checked_hops(max_hops: int) -> int:
    if not 1 <= max_hops <= exposure.MAX_HOPS:
        raise InvalidArgumentError(f"maxHops must be between 1 and {exposure.MAX_HOPS}")
    return max_hops


async def exposure_report(
    info: CtxInfo,
    party_id: str,
    max_hops: int,
    via: list[ExposureVia] | None,
    as_of: dt.date | None,
    first: int | None,
) -> ExposureReport:
    caller = info.context.caller
    caller.require_compliance()
    hops = checked_hops(max_hops)
    size = bounded(first)
    if via is not None and not via:
        raise InvalidArgumentError("via must name at least one tie type")
    chosen = sorted(set(via), key=list(ExposureVia).index) if via else list(ExposureVia)
    day = as_of or info.context.today
    rules = info.context.services.get(ComplianceRules)
    searches = await exposure.search(
        exposure.reader(info.context.db),
        [party_id],
        max_hops=hops,
        types=[VIA_TIE_TYPES[v] for v in chosen],
        as_of=day,
        cap=rules.exposure_fanout_cap,
        want=exposure.Want.LISTED,
        max_paths=rules.exposure_paths,
    )
    found = searches.get(party_id)
    if found is None:
        raise NotFoundError("party", party_id)
    visibility = info.context.visibility
    prime(info, found.parties.values())
    report = ExposureReport(
        as_of=day,
        max_hops=hops,
        via=chosen,
        partial=found.partial,
        cuts=[cut_of(c) for c in found.cuts],
        total_count=len(found.found),
        listed=[listed_exposure(r, found.parties, visibility) for r in found.found[:size]],
        party_entries=[
            list_entry_of(e)
            for e in found.start_entries
            if e.list == ListKind.PROHIBITION and e.active_on(day)
        ],
        shown=visibility.require(found.parties[party_id]),
    )
    params = {"maxHops": hops, "via": chosen, "asOf": day, "first": size}
    await record_look(info, "exposure", party_id, params, len(report.listed))
    return report
