"""Cross-sell statistics: counted by `relgraph crosssell refresh`, read per caller's scope.

What is counted, over the customers' holdings on the day of the refresh, per home branch and for
the whole bank (branch `*`):

- `HoldingCounts` per (branch, peer group): customers, and holders of each product (group `*`:
  every customer of the branch);
- `CoHoldingCounts` per (branch, product): its holders, and how many of them hold each other
  product (the association matrix, 产品关联矩阵).

A caller limited to some branches gets the sums over those branches, so no answer carries a count
of customers outside the caller's scope; the bank's totals serve callers who see every branch.
Each refresh writes a new generation beside the current one and then switches to it, so answers
never read a half-written set; a load that writes holdings or customers marks the current one
stale (`crosssell_mark_stale`) until the next refresh.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
import time
from collections import Counter, OrderedDict, defaultdict
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tqdm import tqdm

from graph.crosssell.rules import CrossSellRules, Profile, peer_group
from graph.db import Database
from graph.parties import CustomerFilter, count_customers
from graph.records import to_date, to_datetime
from queries import Q

BANK = "*"  # the branch key of the bank's totals
ALL_GROUPS = "*"  # the peer-group key of a branch's totals
PAGE_SIZE = 5000
WRITE_BATCH = 500
# A refresh still claimed after this long died midway (a killed process): another may start.
STALE_REFRESH_MINUTES = 30


class StatisticsMissing(LookupError):
    def __init__(self) -> None:
        super().__init__(
            "cross-sell statistics have not been computed yet: run `relgraph crosssell refresh`"
        )


class RefreshRunning(RuntimeError):
    def __init__(self) -> None:
        super().__init__("a cross-sell refresh is running already; try again when it ends")


@dataclass(frozen=True, slots=True)
class StatsStatus:
    generation: int
    version: str
    customers: int
    computed_at: dt.datetime
    stale_since: dt.datetime | None

    @property
    def stale(self) -> bool:
        return self.stale_since is not None

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> StatsStatus:
        computed_at = to_datetime(row["computed_at"])
        assert computed_at is not None
        return cls(
            generation=row["generation"],
            version=row["version"],
            customers=row["customers"],
            computed_at=computed_at,
            stale_since=to_datetime(row["stale_since"]),
        )


async def status(db: Database) -> StatsStatus | None:
    rows = await db.read(Q.crosssell_status)
    return StatsStatus.of(rows[0]["stats"]) if rows else None


@dataclass
class ScopeStatistics:
    """The counts of one scope (summed over its branches), and the scoring terms derived from
    them, remembered: the eval scores every customer against one bank-wide instance."""

    status: StatsStatus
    customers: int
    holders: Counter[str]
    peer_customers: Counter[str]
    peer_holders: dict[str, Counter[str]]
    co_holders: dict[str, Counter[str]]
    memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def of(
        cls,
        status: StatsStatus,
        group_rows: Iterable[Mapping[str, Any]],
        pair_rows: Iterable[Mapping[str, Any]],
    ) -> ScopeStatistics:
        customers = 0
        holders: Counter[str] = Counter()
        peer_customers: Counter[str] = Counter()
        peer_holders: dict[str, Counter[str]] = defaultdict(Counter)
        for row in group_rows:
            counts = dict(zip(row["product_ids"], row["holders"], strict=True))
            if row["group"] == ALL_GROUPS:
                customers += row["customers"]
                holders.update(counts)
            else:
                peer_customers[row["group"]] += row["customers"]
                peer_holders[row["group"]].update(counts)
        co_holders: dict[str, Counter[str]] = defaultdict(Counter)
        for row in pair_rows:
            co_holders[row["product_id"]].update(
                dict(zip(row["co_product_ids"], row["co_holders"], strict=True))
            )
        return cls(status, customers, holders, peer_customers, peer_holders, co_holders)

    def absorb(self, read: ScopeStatistics, groups: Sequence[str], products: Sequence[str]) -> None:
        """Takes `read`'s counts of peer groups `groups` (ALL_GROUPS: the scope's totals) and of
        the co-holdings of `products`, replacing what was there: a group or product without
        counts in `read` has none in the scope."""
        for group in groups:
            if group == ALL_GROUPS:
                self.customers, self.holders = read.customers, read.holders
            else:
                self.peer_customers[group] = read.peer_customers.get(group, 0)
                self.peer_holders[group] = read.peer_holders.get(group, Counter())
        for product in products:
            self.co_holders[product] = read.co_holders.get(product, Counter())

    def base_rate(self, product_id: str) -> float:
        """The scope's share of customers holding the product, smoothed so none is zero."""
        return (self.holders.get(product_id, 0) + 0.5) / (self.customers + 1)

    def lift(self, held: str, product_id: str) -> float:
        """How much more often holders of `held` hold `product_id` than customers overall."""
        both = self.co_holders.get(held, Counter()).get(product_id, 0)
        holders, total = self.holders.get(held, 0), self.holders.get(product_id, 0)
        return both * self.customers / (holders * total) if holders and total else 0.0

    def log_peer_shares(self, group: str, prior: float) -> dict[str, float]:
        """log of each product's share among the peer group, shrunk towards its base rate."""
        key = ("peer", group, prior)
        found: dict[str, float] | None = self.memo.get(key)
        if found is None:
            peers = self.peer_customers.get(group, 0)
            holding = self.peer_holders.get(group, Counter())
            found = self.memo[key] = {
                product: math.log(
                    (holding.get(product, 0) + prior * self.base_rate(product)) / (peers + prior)
                )
                for product in self.holders
            }
        return found

    def log_lifts(self, held: str, prior: float) -> tuple[dict[str, float], float]:
        """log of the smoothed lift from `held` towards each product co-held with it, and the
        value for every product never co-held with it (the same for all of them)."""
        key = ("lift", held, prior)
        found: tuple[dict[str, float], float] | None = self.memo.get(key)
        if found is None:
            holders = self.holders.get(held, 0)
            rest = math.log(prior / (holders + prior)) if holders + prior > 0 else 0.0
            found = self.memo[key] = (
                {
                    product: math.log(
                        (both + prior * self.base_rate(product))
                        / (holders + prior)
                        / self.base_rate(product)
                    )
                    for product, both in self.co_holders.get(held, Counter()).items()
                },
                rest,
            )
        return found


async def scope_statistics(
    db: Database, scope: list[str] | None, groups: Sequence[str], products: Sequence[str]
) -> ScopeStatistics:
    """The statistics of a scope (None: the bank) for peer groups `groups` and the co-holdings of
    `products`."""
    rows = await db.read(
        Q.crosssell_statistics,
        {
            "scope": scope,
            "groups": list(dict.fromkeys([*groups, ALL_GROUPS])),
            "products": list(dict.fromkeys(products)),
        },
    )
    if not rows:
        raise StatisticsMissing
    row = rows[0]
    return ScopeStatistics.of(StatsStatus.of(row["stats"]), row["groups"], row["pairs"])


# Scopes whose statistics a StatisticsCache keeps: the bank's and the managers' most recently
# asked about (a scope's entry grows with the peer groups and products asked about, up to a few
# MB for a scope asked about every product).
SCOPES_KEPT = 64


@dataclass
class _Kept:
    stats: ScopeStatistics
    groups: set[str] = field(default_factory=set)  # peer groups read, ALL_GROUPS among them
    products: set[str] = field(default_factory=set)  # products whose co-holdings were read


class StatisticsCache:
    """The statistics of the scopes asked about lately, kept between requests by the API.

    A generation's counts never change once published (a refresh writes the next generation and
    then switches to it), so what one request read of a scope serves every later request of that
    scope and generation: the peer groups and co-holdings read so far, and the scoring terms
    derived from them (ScopeStatistics.memo). A request reads only what is not kept yet, and
    nothing once its customer's peer group and holdings were asked about before. The status an
    answer reports is the one read with its own request (recommend.customer_inputs), so a load
    that marks the statistics stale shows at once."""

    def __init__(self, scopes: int = SCOPES_KEPT) -> None:
        self._scopes = scopes
        self._generation = 0
        self._kept: OrderedDict[tuple[str, ...] | None, _Kept] = OrderedDict()

    async def statistics(
        self,
        db: Database,
        status: StatsStatus,
        scope: list[str] | None,
        groups: Sequence[str],
        products: Sequence[str],
    ) -> ScopeStatistics:
        """scope_statistics for the generation `status` names, from what is kept where it can."""
        if status.generation != self._generation:
            self._kept.clear()
            self._generation = status.generation
        key = tuple(scope) if scope is not None else None
        kept = self._kept.get(key)
        if kept is None:
            empty = ScopeStatistics(status, 0, Counter(), Counter(), {}, {})
            kept = self._kept[key] = _Kept(empty)
            while len(self._kept) > self._scopes:
                self._kept.popitem(last=False)
        self._kept.move_to_end(key)
        missing_groups = [g for g in dict.fromkeys([*groups, ALL_GROUPS]) if g not in kept.groups]
        missing_products = [p for p in dict.fromkeys(products) if p not in kept.products]
        if not missing_groups and not missing_products:
            return kept.stats
        read = await scope_statistics(db, scope, missing_groups, missing_products)
        if read.status.generation != status.generation:
            # A refresh switched generations since the status was read: answer from the new one
            # whole, and keep nothing of it under the old.
            return await scope_statistics(db, scope, groups, products)
        kept.stats.absorb(read, missing_groups, missing_products)
        kept.groups.update(missing_groups)
        kept.products.update(missing_products)
        return kept.stats


# --- the refresh job ----------------------------------------------------------------------


@dataclass
class RefreshReport:
    generation: int
    customers: int = 0
    holdings: int = 0
    branches: int = 0
    groups: int = 0
    pairs: int = 0
    seconds: float = 0.0


def profile_of_row(row: Mapping[str, Any]) -> Profile:
    """A crosssell_profiles row's peer-group facts (the recommender reads the same off a
    customer's record)."""
    return Profile(
        party_type=row["party_type"],
        segment=row["computed_segment"] or row["segment"],
        birth_date=to_date(row["birth_date"]),
        size=row["size"],
        institution_type=row["institution_type"],
        owner=bool(row["owner"]),
    )


class _Counts:
    """Holder and co-holder counts per branch, each customer counted for its branch and the bank."""

    def __init__(self) -> None:
        self.customers: Counter[tuple[str, str]] = Counter()
        self.holders: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        self.product_holders: Counter[tuple[str, str]] = Counter()
        self.co_holders: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)

    def add(self, branch: str, group: str, held: Sequence[str]) -> None:
        for scope in (branch, BANK):
            for key in ((scope, group), (scope, ALL_GROUPS)):
                self.customers[key] += 1
                self.holders[key].update(held)
            for product in held:
                self.product_holders[(scope, product)] += 1
                co = self.co_holders[(scope, product)]
                co.update(other for other in held if other != product)

    def group_rows(self) -> Iterator[dict[str, Any]]:
        for (branch, group), customers in self.customers.items():
            held = self.holders[(branch, group)]
            yield {
                "branch": branch,
                "group": group,
                "customers": customers,
                "product_ids": list(held),
                "holders": list(held.values()),
            }

    def pair_rows(self) -> Iterator[dict[str, Any]]:
        for (branch, product), holders in self.product_holders.items():
            co = self.co_holders[(branch, product)]
            yield {
                "branch": branch,
                "product_id": product,
                "holders": holders,
                "co_product_ids": list(co),
                "co_holders": list(co.values()),
            }


async def refresh(
    db: Database, rules: CrossSellRules, today: dt.date, *, progress: bool = False
) -> RefreshReport:
    """Counts every customer's holdings on `today` into a new generation and makes it current.
    Raises RefreshRunning when another refresh has the statistics."""
    started = time.perf_counter()
    claim = (await db.write(Q.crosssell_refresh_start, {"stale_minutes": STALE_REFRESH_MINUTES}))[0]
    if not claim["claimed"]:
        raise RefreshRunning
    report = RefreshReport(claim["generation"])
    published = False
    try:
        counts = await _count(db, rules, today, report, progress)
        for query, rows in (
            (Q.crosssell_write_groups, counts.group_rows()),
            (Q.crosssell_write_pairs, counts.pair_rows()),
        ):
            for batch in _batches(rows, WRITE_BATCH):
                await db.write(query, {"rows": batch, "generation": report.generation})
        report.branches = len({branch for branch, _ in counts.customers} - {BANK})
        report.groups = len({group for _, group in counts.customers} - {ALL_GROUPS})
        report.pairs = sum(
            len(co) for (branch, _), co in counts.co_holders.items() if branch == BANK
        )
        report.seconds = time.perf_counter() - started
        await db.write(
            Q.crosssell_publish,
            {
                "generation": report.generation,
                "customers": report.customers,
                "version": rules.version,
                "seconds": round(report.seconds, 1),
                "branches": sorted({branch for branch, _ in counts.customers} - {BANK}),
            },
        )
        published = True
    finally:
        if not published:
            await db.write(Q.crosssell_release)
    await db.run_autocommit(Q.crosssell_drop_old, {"generation": report.generation})
    report.seconds = time.perf_counter() - started
    return report


async def _count(
    db: Database, rules: CrossSellRules, today: dt.date, report: RefreshReport, progress: bool
) -> _Counts:
    counts = _Counts()
    total = await count_customers(db, None, CustomerFilter(), today)
    with tqdm(
        total=total, desc="cross-sell", unit="customers", disable=not progress, file=sys.stderr
    ) as bar:
        async for page in customer_profiles(db, rules, today):
            for row in page:
                group = peer_group(profile_of_row(row), today, rules.peer_groups)
                counts.add(row["branch"] or "", group, row["held"])
                report.customers += 1
                report.holdings += len(row["held"])
            bar.update(len(page))
    return counts


def customer_profiles(
    db: Database, rules: CrossSellRules, today: dt.date
) -> AsyncIterator[list[dict[str, Any]]]:
    """Every customer's peer-group profile and holdings on `today`, a page at a time."""
    return db.pages(
        Q.crosssell_profiles,
        {"today": today, "owner_min_share": rules.peer_groups.owner_min_share},
        PAGE_SIZE,
    )


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- the association matrix ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Affinity:
    """How often another product is held with a product, in a scope (产品关联矩阵)."""

    product_id: str
    co_holders: int  # customers holding both
    holders: int  # customers holding the other product
    support: float  # co_holders / customers in scope
    confidence: float  # co_holders / holders of the product asked about
    lift: float  # confidence / (holders / customers in scope)


@dataclass(frozen=True, slots=True)
class AffinityRow:
    status: StatsStatus
    customers: int  # in scope
    holders: int  # of the product asked about, in scope
    related: list[Affinity]  # most often held with it first


async def affinity(
    db: Database, product_id: str, scope: list[str] | None, min_co_holders: int
) -> AffinityRow:
    """The products held with `product_id` by at least `min_co_holders` customers of the scope
    (None: the bank), most often held with it first."""
    rows = await db.read(Q.crosssell_affinity, {"scope": scope, "product_id": product_id})
    if not rows:
        raise StatisticsMissing
    row = rows[0]
    stats = ScopeStatistics.of(StatsStatus.of(row["stats"]), row["totals"], row["pairs"])
    holders = stats.holders.get(product_id, 0)
    related = [
        Affinity(
            other,
            both,
            stats.holders.get(other, 0),
            both / stats.customers,
            both / holders,
            stats.lift(product_id, other),
        )
        for other, both in stats.co_holders.get(product_id, Counter()).items()
        if both >= min_co_holders
    ]
    related.sort(key=lambda entry: (-entry.co_holders, -entry.lift, entry.product_id))
    return AffinityRow(stats.status, stats.customers, holders, related)
