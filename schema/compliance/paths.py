"""Paths to listed parties as GraphQL shows them: the parties in order, the ties between them with
their attributes and stored direction, the score and a line of text; and the listed parties an
exposure search found."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from enum import StrEnum

import strawberry

from graph import exposure, model
from graph.exposure import Path, Reach
from graph.records import LinkRecord, PartyRecord

# Registers graph.model's enums with Strawberry before any type of the area names one (each
# module of the area imports this one first).
from schema.core import enums  # noqa: F401
from schema.core.access import ShownParty, Visibility
from schema.core.context import CtxInfo
from schema.core.entities import ListEntry, PartyRef, list_entry_of, party_of
from schema.core.errors import NotFoundError
from schema.core.loaders import PARTIES


@strawberry.enum(description="The ties an exposure search follows")
class ExposureVia(StrEnum):
    OWNERSHIP = "OWNERSHIP"  # every stake
    CONTROL = "CONTROL"  # a stake or voting share over half, when OWNERSHIP is not asked for
    EXECUTIVE = "EXECUTIVE"
    LEGAL_REP = "LEGAL_REP"
    EMPLOYMENT = "EMPLOYMENT"
    FAMILY = "FAMILY"
    GUARANTEE = "GUARANTEE"


# What each asks graph/exposure.py to follow.
VIA_TIE_TYPES: Mapping[ExposureVia, str] = {
    ExposureVia.OWNERSHIP: model.LinkType.OWNS,
    ExposureVia.CONTROL: exposure.CONTROL,
    ExposureVia.EXECUTIVE: model.LinkType.EXECUTIVE_OF,
    ExposureVia.LEGAL_REP: model.LinkType.LEGAL_REP_OF,
    ExposureVia.EMPLOYMENT: model.LinkType.EMPLOYED_BY,
    ExposureVia.FAMILY: model.LinkType.FAMILY_OF,
    ExposureVia.GUARANTEE: model.LinkType.GUARANTEES,
}
_VIA_OF_TIE_TYPE = {tie: via for via, tie in VIA_TIE_TYPES.items()}


def via_of(tie_types: Iterable[str]) -> list[ExposureVia]:
    """The `via` a search over `tie_types` answers (a screening run's, say)."""
    return sorted({_VIA_OF_TIE_TYPE[t] for t in tie_types}, key=list(ExposureVia).index)


@strawberry.enum(description="Which way a tie on a path is stored")
class PathDirection(StrEnum):
    FORWARD = "FORWARD"  # from the party before it on the path to the one after
    BACKWARD = "BACKWARD"  # from the party after it to the one before


@strawberry.type(
    description="A tie on a path, in path order: between the path's parties i and i + 1."
)
class PathLink:
    type: model.LinkType
    direction: PathDirection = strawberry.field(
        description="FORWARD when stored from party i to party i + 1 (an owner to the company it "
        "owns, say), BACKWARD when stored the other way."
    )
    from_party_id: strawberry.ID = strawberry.field(description="The tie's subject as stored.")
    to_party_id: strawberry.ID = strawberry.field(description="The tie's object as stored.")
    share: float | None = strawberry.field(description="Shareholding as a fraction (OWNS).")
    voting_share: float | None
    title: str | None = strawberry.field(description="Executive title (EXECUTIVE_OF).")
    position: str | None = strawberry.field(description="Position held (EMPLOYED_BY).")
    relation: model.FamilyRelation | None = strawberry.field(
        description="Family relation (FAMILY_OF), as recorded from its subject."
    )
    since: dt.date | None
    until: dt.date | None

    @classmethod
    def of(cls, link: LinkRecord) -> PathLink:
        source, target = exposure.stored_ends(link)
        return cls(
            type=model.LinkType(link.type),
            direction=PathDirection.FORWARD if link.outgoing else PathDirection.BACKWARD,
            from_party_id=strawberry.ID(source),
            to_party_id=strawberry.ID(target),
            share=link.share,
            voting_share=link.voting_share,
            title=link.title,
            position=link.position,
            relation=model.FamilyRelation(link.relation) if link.relation else None,
            since=link.since,
            until=link.until,
        )


@strawberry.type(description="A path between two parties over ties, with its score.")
class ExposurePath:
    links: list[PathLink]
    score: float = strawberry.field(
        description="0–100: the product of the ties' weights, less with each hop "
        "(docs/compliance.md)."
    )
    party_ids: strawberry.Private[list[str]]
    path: strawberry.Private[Path]

    @strawberry.field(
        description="The path on one line, each tie in its stored direction: "
        "张三(P1) -[OWNS 35%]-> 某公司(C2) <-[EXECUTIVE_OF 董事]- …"
    )
    async def text(self, info: CtxInfo) -> str:
        shown = await shown_parties(info, self.party_ids)
        return exposure.path_text(self.path, {p.id: p.name for p in shown})

    @strawberry.field(description="The parties along the path, in order.")
    async def parties(self, info: CtxInfo) -> list[PartyRef]:
        return [party_of(shown) for shown in await shown_parties(info, self.party_ids)]


def path_of(path: Path, score: float) -> ExposurePath:
    return ExposurePath(
        links=[PathLink.of(link) for link in path],
        score=score,
        party_ids=exposure.path_parties(path),
        path=path,
    )


@strawberry.type(description="A listed party (禁止名单) reached by an exposure search.")
class ListedExposure:
    hops: int = strawberry.field(description="The length of its shortest paths.")
    score: float = strawberry.field(description="The best score of its shortest paths.")
    path_count: int = strawberry.field(description="How many shortest paths there are.")
    paths: list[ExposurePath] = strawberry.field(
        description="The strongest shortest paths, from the party searched from to this one."
    )
    entries: list[ListEntry] = strawberry.field(
        description="Its prohibition-list entries in force on the search's date."
    )
    shown: strawberry.Private[ShownParty]

    @strawberry.field(description="The listed party.")
    def party(self) -> PartyRef:
        return party_of(self.shown)


def listed_exposure(
    reach: Reach, parties: Mapping[str, PartyRecord], visibility: Visibility
) -> ListedExposure:
    return ListedExposure(
        hops=reach.hops,
        score=reach.score,
        path_count=reach.path_count,
        paths=[path_of(p.links, p.score) for p in reach.paths],
        entries=[list_entry_of(e) for e in reach.entries],
        shown=visibility.require(parties[reach.party_id]),
    )


async def shown_parties(info: CtxInfo, party_ids: list[str]) -> list[ShownParty]:
    """The parties by id, each through the access policy (FORBIDDEN for one out of scope)."""
    records = await info.context.loaders[PARTIES].load_many(party_ids)
    shown = []
    for party_id, record in zip(party_ids, records, strict=True):
        if record is None:
            raise NotFoundError("party", party_id)
        shown.append(info.context.visibility.require(record))
    return shown


def prime(info: CtxInfo, parties: Iterable[PartyRecord]) -> None:
    """Parties a search brought along, so that the paths' parties need no statement."""
    loader = info.context.loaders[PARTIES]
    for party in parties:
        loader.prime(party.id, party)


@strawberry.type(
    description="A party with more ties than the fan-out cap, met before the last hop: reached, "
    "but its ties were not followed, so the answer is partial."
)
class TraversalCut:
    hops: int
    ties: int = strawberry.field(description="How many ties it has.")
    party_id: strawberry.Private[str]

    @strawberry.field
    async def party(self, info: CtxInfo) -> PartyRef:
        (shown,) = await shown_parties(info, [self.party_id])
        return party_of(shown)


def cut_of(cut: exposure.Cut) -> TraversalCut:
    return TraversalCut(hops=cut.hops, ties=cut.ties, party_id=cut.party_id)
