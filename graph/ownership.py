"""Effective ownership: the one computation behind a person's corporate background (公私联动) and a
company's ultimate beneficial owners (compliance).

A party's effective share in a company is the product of the shares along an ownership path,
summed over every distinct simple path from the party to the company (a path never visits a party
twice, so cycles terminate). Shares are exact decimals: 0.51 × 0.6 is 0.306, not a float's
0.30600000000000005.

The graph gives the ownership ties around a party (queries/ownership/*.cypher, as of a date, within
a hop limit); the paths are walked here, on that small projected subgraph.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from graph.db import Database
from queries import Q

MAX_DEPTH = 6  # the hop limit the statements allow
# Paths kept per company as evidence; the share counts every path regardless.
EVIDENCE_PATHS = 5


@dataclass(frozen=True, slots=True)
class Stake:
    """One direct shareholding: `owner` holds `share` (a fraction) of `company`."""

    owner: str
    company: str
    share: Decimal


@dataclass
class EffectiveShare:
    """A party's effective share in another, with the paths that make it (parties in order, from
    owner to company), strongest first, at most EVIDENCE_PATHS of them."""

    share: Decimal = Decimal(0)
    paths: list[tuple[tuple[str, ...], Decimal]] = field(default_factory=list)
    path_count: int = 0

    @property
    def direct(self) -> bool:
        return any(len(path) == 2 for path, _ in self.paths)

    def add(self, path: tuple[str, ...], share: Decimal) -> None:
        self.share += share
        self.path_count += 1
        self.paths.append((path, share))
        self.paths.sort(key=lambda p: (-p[1], len(p[0]), p[0]))
        del self.paths[EVIDENCE_PATHS:]


def _walk(
    start: str, next_of: Mapping[str, Sequence[tuple[str, Decimal]]], max_depth: int
) -> dict[str, EffectiveShare]:
    """Every simple path from `start` of at most `max_depth` hops, accumulated per end."""
    found: dict[str, EffectiveShare] = defaultdict(EffectiveShare)
    path = [start]
    on_path = {start}

    def visit(node: str, product: Decimal) -> None:
        if len(path) > max_depth:
            return
        for other, share in next_of.get(node, ()):
            if other in on_path:
                continue
            path.append(other)
            on_path.add(other)
            reached = product * share
            found[other].add(tuple(path), reached)
            visit(other, reached)
            path.pop()
            on_path.discard(other)

    visit(start, Decimal(1))
    return dict(found)


def effective_holdings(
    stakes: Iterable[Stake], owner: str, max_depth: int = MAX_DEPTH
) -> dict[str, EffectiveShare]:
    """What `owner` holds, directly and through companies: company id → effective share, paths
    from `owner` down to the company."""
    below: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    for stake in stakes:
        below[stake.owner].append((stake.company, stake.share))
    return _walk(owner, below, max_depth)


def effective_owners(
    stakes: Iterable[Stake], company: str, max_depth: int = MAX_DEPTH
) -> dict[str, EffectiveShare]:
    """Who holds `company`, directly and through companies: owner id → effective share, paths
    from the owner down to `company`."""
    above: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    for stake in stakes:
        above[stake.company].append((stake.owner, stake.share))
    walked = _walk(company, above, max_depth)
    for share in walked.values():  # walked upwards: give each path from owner to company
        share.paths = [(tuple(reversed(path)), value) for path, value in share.paths]
    return walked


def _clamped(max_depth: int) -> int:
    return max(1, min(MAX_DEPTH, max_depth))


async def stakes_below(
    db: Database, party_id: str, as_of: dt.date, max_depth: int = MAX_DEPTH
) -> list[Stake]:
    rows = await db.read(
        Q.ownership_edges_down, {"id": party_id, "as_of": as_of, "max_depth": _clamped(max_depth)}
    )
    return [Stake(r["owner_id"], r["company_id"], Decimal(r["share"])) for r in rows]


async def stakes_above(
    db: Database, company_id: str, as_of: dt.date, max_depth: int = MAX_DEPTH
) -> list[Stake]:
    rows = await db.read(
        Q.ownership_edges_up, {"id": company_id, "as_of": as_of, "max_depth": _clamped(max_depth)}
    )
    return [Stake(r["owner_id"], r["company_id"], Decimal(r["share"])) for r in rows]


async def holdings_of(
    db: Database, party_id: str, as_of: dt.date, max_depth: int = MAX_DEPTH
) -> dict[str, EffectiveShare]:
    """`party_id`'s effective shares in every company it reaches, as of a date."""
    max_depth = _clamped(max_depth)
    return effective_holdings(
        await stakes_below(db, party_id, as_of, max_depth), party_id, max_depth
    )


async def owners_of(
    db: Database, company_id: str, as_of: dt.date, max_depth: int = MAX_DEPTH
) -> dict[str, EffectiveShare]:
    """Everyone's effective share in `company_id`, as of a date (beneficial owners are the
    persons among them above a threshold)."""
    max_depth = _clamped(max_depth)
    return effective_owners(
        await stakes_above(db, company_id, as_of, max_depth), company_id, max_depth
    )
