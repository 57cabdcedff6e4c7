"""A customer's full picture (客户视图) in one statement, whichever areas its fields belong to.

When a query opens a customer, its resolver reads the selection below it (`parts_for`) and fetches
the profile with every detail part the selection will ask for, in one statement
(queries/parties/party_details_by_ids.cypher). The customer's fields, contributed by several areas,
then answer from what was fetched (`customer_part`) without a further await; a field asked for
with other arguments than the selection showed is fetched on its own, batched with its siblings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from graph import model
from graph.parties import DetailParts, PartyDetails
from schema.core.context import CtxInfo, ParamKey
from schema.core.deferred import now_or_later
from schema.core.entities import CustomerBase
from schema.core.errors import ApiError, NotFoundError
from schema.core.loaders import DETAILS
from schema.core.pagination import bounded, page_window
from schema.core.selection import SelectedField, children_named

T = TypeVar("T")
V = TypeVar("V")

# Defaults of the list arguments, shared by the resolvers and the selection analysis.
DEFAULT_LINKS = 50
DEFAULT_FEE_ITEMS = 12
DEFAULT_WARNINGS = 20
DEFAULT_INTERACTIONS = 20
DEFAULT_ISSUED = 20
DEFAULT_UNDERWRITTEN = 20

# (offset, first, include ended positions)
HoldingsPart = tuple[int, int, bool]
# (types or all, limit, more than the linked parties' summaries, include ended ties)
LinksPart = tuple[tuple[str, ...] | None, int, bool, bool]


@dataclass(frozen=True, slots=True)
class Slot(Generic[V]):
    """One part of DetailParts: how to read it, and the parts holding only it."""

    read: Callable[[DetailParts], V]
    alone: Callable[[V], DetailParts]


BRANCH: Slot[bool] = Slot(lambda p: p.branch, lambda v: DetailParts(branch=v))
MANAGERS: Slot[bool] = Slot(lambda p: p.managers, lambda v: DetailParts(managers=v))
HOLDINGS: Slot[HoldingsPart | None] = Slot(lambda p: p.holdings, lambda v: DetailParts(holdings=v))
FEE_ITEMS: Slot[int | None] = Slot(lambda p: p.fee_items, lambda v: DetailParts(fee_items=v))
WARNINGS: Slot[int | None] = Slot(lambda p: p.warnings, lambda v: DetailParts(warnings=v))
TAGS: Slot[bool] = Slot(lambda p: p.tags, lambda v: DetailParts(tags=v))
INTERACTIONS: Slot[int | None] = Slot(
    lambda p: p.interactions, lambda v: DetailParts(interactions=v)
)
INTERESTS: Slot[bool] = Slot(lambda p: p.interests, lambda v: DetailParts(interests=v))
LINKS: Slot[LinksPart | None] = Slot(lambda p: p.links, lambda v: DetailParts(links=v))
ISSUED: Slot[int | None] = Slot(lambda p: p.issued, lambda v: DetailParts(issued=v))
UNDERWRITTEN: Slot[int | None] = Slot(
    lambda p: p.underwritten, lambda v: DetailParts(underwritten=v)
)


async def fetch_details(
    info: CtxInfo, party_id: str, shared: DetailParts, slot: Slot[V], value: V
) -> PartyDetails:
    """The details of one party holding `slot` at `value`. When the parts the parent's selection
    asked for include exactly that, the sibling fields (and the other parties of the page) share
    one statement; otherwise this part is fetched on its own, batched by part."""
    parts = shared if slot.read(shared) == value else slot.alone(value)
    details = await info.context.loaders[DETAILS].load(ParamKey(party_id, parts))
    if details is None:
        raise NotFoundError("party", party_id)
    return details


def customer_part(
    customer: CustomerBase,
    info: CtxInfo,
    slot: Slot[V],
    value: V,
    build: Callable[[PartyDetails], T],
) -> T:
    """`build` applied to the customer's details holding `slot` at `value`: from the details
    fetched with the customer when they hold it (no await), otherwise fetched now."""
    fetched = customer.fetched
    ready = fetched if fetched is not None and slot.read(customer.parts) == value else None
    return now_or_later(
        ready, lambda: fetch_details(info, customer.id, customer.parts, slot, value), build
    )


def parts_for(fields: Iterable[SelectedField]) -> DetailParts:
    """The detail parts a Customer selection will ask for, so that one statement serves them all.
    Arguments the resolvers would refuse are left out here; the resolver reports them."""
    branch = managers = tags = interests = False
    holdings: HoldingsPart | None = None
    fee_items = warnings = interactions = issued = underwritten = None
    links: LinksPart | None = None
    for field in fields:
        args = field.arguments()
        try:
            match field.name:
                case "homeBranch":
                    branch = True
                case "managers":
                    managers = True
                case "holdings":
                    holdings = holdings_part(
                        args.get("first"), args.get("after"), args.get("includeEnded")
                    )
                case "fees":
                    fee_items = bounded(args.get("itemsPerProduct"), DEFAULT_FEE_ITEMS)
                case "riskWarnings":
                    warnings = bounded(args.get("first"), DEFAULT_WARNINGS)
                case "tags" | "tagsByCategory":
                    tags = True
                case "interactions":
                    interactions = bounded(args.get("first"), DEFAULT_INTERACTIONS)
                case "interestSummary":
                    interests = True
                case "linkedParties":
                    links = links_part(
                        args.get("types"),
                        args.get("first"),
                        links_full(field.children()),
                        args.get("includeEnded"),
                    )
                case "issuedProducts":
                    issued = bounded(args.get("first"), DEFAULT_ISSUED)
                case "underwritings":
                    underwritten = bounded(args.get("first"), DEFAULT_UNDERWRITTEN)
        except (ApiError, TypeError):
            # A wrongly typed argument never gets this far (validation refuses it); an out-of-range
            # one is reported by the field's own resolver.
            continue
    return DetailParts(
        branch=branch,
        managers=managers,
        holdings=holdings,
        fee_items=fee_items,
        warnings=warnings,
        tags=tags,
        interactions=interactions,
        interests=interests,
        links=links,
        issued=issued,
        underwritten=underwritten,
    )


def page_parts(fields: Iterable[SelectedField]) -> DetailParts:
    """The parts a connection's selection asks for on each `edges { node }`."""
    return parts_for(children_named(children_named(fields, "edges"), "node"))


def holdings_part(first: int | None, after: str | None, include_ended: bool | None) -> HoldingsPart:
    """A null includeEnded reads as its default, false."""
    offset, size = page_window(first, after)
    return (offset, size, bool(include_ended))


def links_part(
    types: Sequence[str | model.LinkType] | None,
    first: int | None,
    full: bool,
    include_ended: bool | None,
) -> LinksPart:
    """Link types come as enum members from resolver arguments and as names from the selection;
    a null includeEnded reads as its default, false."""
    names = sorted(t.value if isinstance(t, model.LinkType) else str(t) for t in types or ())
    return (tuple(names) or None, bounded(first, DEFAULT_LINKS), full, bool(include_ended))


# The fields of a linked party that its summary (queries/_parts/party_summary.cypher) answers;
# lists such as linkedParties are fetched by id.
_LINKED_PARTY_SUMMARY = frozenset(
    {
        "__typename",
        "id",
        "name",
        "partyType",
        "region",
        "isCustomer",
        "onProhibitionList",
        "linkedParties",
        "listEntries",
    }
)


def links_full(link_fields: Iterable[SelectedField]) -> bool:
    """Whether the selection on the links' `party` asks for more than its summary."""
    return any(f.name not in _LINKED_PARTY_SUMMARY for f in children_named(link_fields, "party"))
