"""Exposure to listed entities (禁止名单穿透): which parties on a prohibition list a party reaches
through ownership, control, employment, family and guarantee ties, and by which shortest paths;
read the other way, which customers a listed party reaches (screening, graph/screening.py).

One statement per search (queries/compliance/reach_near.cypher, reach_far.cypher): Cypher's
`ALL SHORTEST` over a quantified path of the six tie types, either way round, following only ties
that hold on the as-of date, bounded by a literal hop count in the pattern (3, or 6 for deeper
searches) and `length(path) <= $max_hops`. A party with more ties than the cap (a supernode: a
large employer, a guarantee hub) is reached but never crossed, except the start: the search stays
small however connected the graph, and each such party met before the last hop is reported as a
`Cut`, which makes the answer partial. The same statement serves every search: from one party
looking for listed parties, from many listed parties at once looking for customers, from the ends
of changed ties looking for listed parties near them.

Every shortest path to what is found comes back as its ties in order (each with its stored
direction), so the hop count is the length of those paths and the score is the strongest of them
(docs/compliance.md has the formula): `tie_weight` gives a tie's strength, `HOP_DECAY` the fall
with distance.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from graph import model
from graph.db import Database, Record
from graph.records import LinkRecord, ListEntryRecord, PartyRecord
from queries import CypherQuery, Q

MAX_HOPS = 6
# Searches up to this many hops run reach_near, whose pattern is bounded at 3: Cypher's
# quantifier takes a literal, and a search bounded at 6 but filtered to 3 walks the deeper
# levels before it filters.
NEAR_HOPS = 3
LINK_TYPES: tuple[str, ...] = tuple(t.value for t in model.LinkType)
# Shortest paths returned per party found; their number is counted whatever it is, and the
# score is the best of these (real parties have a handful).
MAX_PATHS_WALKED = 1000

# A tie's strength on a path, 0 to 1 (docs/compliance.md): control ties count most.
TIE_WEIGHTS: Mapping[str, float] = {
    model.LinkType.LEGAL_REP_OF: 0.9,
    model.LinkType.EXECUTIVE_OF: 0.8,
    model.LinkType.FAMILY_OF: 0.7,
    model.LinkType.GUARANTEES: 0.7,
    model.LinkType.EMPLOYED_BY: 0.5,
}
# A stake above this share (or voting share) is control (实际控制) and counts fully; a smaller
# stake counts 0.5 plus half its share.
CONTROL_SHARE = 0.5
# In a search's tie types: OWNS ties over CONTROL_SHARE only (a controlling stake), for a search
# that follows control but not every small stake.
CONTROL = "CONTROL"
# Each hop past the first multiplies a score by this.
HOP_DECAY = 0.8

# Runs a catalog statement: Database.read (with its time budget), or a write transaction's run.
Read = Callable[[CypherQuery, Mapping[str, Any]], Awaitable[list[Record]]]
# A path from a search's start outwards: tie i joins party i (its party_id) to party i + 1 (its
# other_id); `outgoing` says whether the tie is stored in that direction.
Path = tuple[LinkRecord, ...]


class Want(StrEnum):
    """What a search looks for."""

    LISTED = "LISTED"  # parties on a prohibition list on the as-of date
    CUSTOMER = "CUSTOMER"


@dataclass(frozen=True, slots=True)
class Cut:
    """A party with `ties` ties, more than the cap, met `hops` from the start before the last
    hop: reached, but its ties were not followed."""

    party_id: str
    hops: int
    ties: int


@dataclass(frozen=True, slots=True)
class ScoredPath:
    links: Path
    score: float


@dataclass(frozen=True, slots=True)
class Reach:
    """A party a search found: its hop count, the best score over its shortest paths, how many
    shortest paths there are, the strongest few of them, and its list entries in force."""

    party_id: str
    hops: int
    score: float
    path_count: int
    paths: tuple[ScoredPath, ...]
    entries: tuple[ListEntryRecord, ...]


@dataclass(frozen=True)
class Search:
    """What one search from `start_id` found, nearest first, then strongest, then by id."""

    start_id: str
    start_listed: bool
    start_entries: list[ListEntryRecord]  # every list entry of the start, any list or date
    found: list[Reach]
    cuts: list[Cut]
    parties: dict[str, PartyRecord]  # the start and every party on a returned path

    @property
    def partial(self) -> bool:
        return bool(self.cuts)


def tie_weight(link: LinkRecord) -> float:
    if link.type == model.LinkType.OWNS:
        share = max(link.share or 0.0, link.voting_share or 0.0)
        return 1.0 if share > CONTROL_SHARE else 0.5 + 0.5 * share
    return TIE_WEIGHTS[link.type]


def path_score(path: Path) -> float:
    """0–100: the product of the path's tie weights, less with each hop past the first."""
    strength = 1.0
    for link in path:
        strength *= tie_weight(link)
    return round(100 * HOP_DECAY ** (len(path) - 1) * strength, 2)


def clamped_hops(max_hops: int) -> int:
    return max(1, min(MAX_HOPS, max_hops))


async def search(
    read: Read,
    starts: Sequence[str],
    *,
    max_hops: int,
    types: Sequence[str],
    as_of: dt.date,
    cap: int,
    want: Want,
    max_paths: int,
) -> dict[str, Search]:
    """One search from each start (an unknown id finds nothing and is left out), keeping the
    `max_paths` strongest shortest paths of each party found."""
    hops = clamped_hops(max_hops)
    rows = await read(
        Q.reach_near if hops <= NEAR_HOPS else Q.reach_far,
        {
            "ids": list(dict.fromkeys(starts)),
            "types": list(types),
            "as_of": as_of,
            "today": dt.date.today(),  # for each tie's `current`
            "cap": cap,
            "control_share": CONTROL_SHARE,
            "max_hops": hops,
            "want": want.value,
            "max_walked": MAX_PATHS_WALKED,
        },
    )
    return {row["start_id"]: _search(row, max_paths) for row in rows}


def _search(row: Record, max_paths: int) -> Search:
    found = [_reach(f, max_paths) for f in row["found"]]
    found.sort(key=lambda r: (r.hops, -r.score, r.party_id))
    cuts = [Cut(c["party_id"], int(c["hops"]), int(c["ties"])) for c in row["cuts"]]
    cuts.sort(key=lambda c: (c.hops, -c.ties, c.party_id))
    parties = {p["id"]: PartyRecord.from_map(p) for p in (row["start"], *row["parties"])}
    own = sorted(
        (ListEntryRecord.from_map(e) for e in row["start_entries"]),
        key=lambda e: (e.listed_on, e.id),
    )
    return Search(row["start_id"], bool(row["start_listed"]), own, found, cuts, parties)


def _reach(found: Mapping[str, Any], max_paths: int) -> Reach:
    paths = [
        ScoredPath(path, path_score(path))
        for path in (tuple(LinkRecord.from_map(link) for link in links) for links in found["paths"])
    ]
    paths.sort(key=lambda p: (-p.score, [(link.other_id, link.type) for link in p.links]))
    entries = sorted(
        (ListEntryRecord.from_map(e) for e in found["entries"]), key=lambda e: (e.listed_on, e.id)
    )
    return Reach(
        party_id=found["party_id"],
        hops=int(found["hops"]),
        score=paths[0].score if paths else 0.0,
        path_count=int(found["path_count"]),
        paths=tuple(paths[:max_paths]),
        entries=tuple(entries),
    )


def reader(db: Database) -> Read:
    async def read(query: CypherQuery, params: Mapping[str, Any]) -> list[Record]:
        return await db.read(query, params)

    return read


def reversed_path(path: Path) -> Path:
    """The same path read from its far end: each tie seen from its other side."""
    return tuple(
        dataclasses.replace(
            link, party_id=link.other_id, other_id=link.party_id, outgoing=not link.outgoing
        )
        for link in reversed(path)
    )


def stored_ends(link: LinkRecord) -> tuple[str, str]:
    """(from, to) of a tie as stored."""
    return (link.party_id, link.other_id) if link.outgoing else (link.other_id, link.party_id)


def path_parties(path: Path) -> list[str]:
    return [path[0].party_id, *(link.other_id for link in path)] if path else []


def _tie_detail(link: LinkRecord) -> str:
    if link.type == model.LinkType.OWNS and link.share is not None:
        return f" {link.share * 100:g}%"
    detail = link.title or link.position or link.relation
    return f" {detail}" if detail else ""


def path_text(path: Path, names: Mapping[str, str]) -> str:
    """`张三(P1) -[OWNS 35%]-> 某公司(C2) <-[EXECUTIVE_OF 董事]- 李四(P3)`: each tie in its stored
    direction."""
    if not path:
        return ""

    def party(party_id: str) -> str:
        return f"{names.get(party_id, '?')}({party_id})"

    text = [party(path[0].party_id)]
    for link in path:
        label = f"{link.type}{_tie_detail(link)}"
        arrow = f" -[{label}]-> " if link.outgoing else f" <-[{label}]- "
        text.append(arrow + party(link.other_id))
    return "".join(text)
