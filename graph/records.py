"""Typed domain records the repositories return: read-only dataclasses, no neo4j types leak out.

A record is read-only to the type checker (`record` is a dataclass transform with frozen
fields, so mypy refuses an assignment) but not enforced at run time: a frozen dataclass sets each
field through `object.__setattr__`, and a customer 360 builds dozens of records (bench/README.md
has the figures). Records are slotted, `__dict__`-free, all the way up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any, Generic, Self, TypeVar, get_type_hints

from neo4j.time import Date, DateTime
from typing_extensions import dataclass_transform

from graph.model import FeeStatus
from graph.money import from_fen

T = TypeVar("T")
R = TypeVar("R")


@dataclass_transform(frozen_default=True)
def record(cls: type[R]) -> type[R]:
    """A read-only record: frozen to mypy, a plain slotted dataclass at run time. Hashable by
    value as a frozen dataclass is."""
    return dataclass(slots=True, unsafe_hash=True)(cls)


def to_date(value: Any) -> dt.date | None:
    """A date as a statement returns it: a neo4j Date, or the ISO text of `toString()`, which the
    statements behind the customer 360 and product holders send instead because the driver's
    Date decoding costs ~20 µs a value (a 360 carries ~80 temporal values)."""
    if value is None or type(value) is dt.date:
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    if isinstance(value, Date):
        return value.to_native()
    raise TypeError(f"not a date: {value!r}")


def to_datetime(value: Any) -> dt.datetime | None:
    """A datetime as a statement returns it: a neo4j DateTime, or the ISO text of `toString()`
    (the loader stores fixed offsets, so no [zone] suffix; a zone name would be refused here)."""
    if value is None or type(value) is dt.datetime:
        return value
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    if isinstance(value, DateTime):
        return value.to_native()
    raise TypeError(f"not a datetime: {value!r}")


_TEMPORAL_HINTS: dict[Any, Callable[[Any], Any]] = {
    dt.date: to_date,
    dt.date | None: to_date,
    dt.datetime: to_datetime,
    dt.datetime | None: to_datetime,
}


_MONEY_HINTS = (Decimal, Decimal | None)


@dataclass(frozen=True, slots=True)
class _Shape:
    names: frozenset[str]
    converters: dict[str, Callable[[Any], Any]]
    # A money field `amount` is read from the statement's `amount_fen`: Neo4j holds integer fen.
    money: tuple[tuple[str, str], ...]


_SHAPES: dict[type, _Shape] = {}


def _shape(cls: type) -> _Shape:
    shape = _SHAPES.get(cls)
    if shape is None:
        hints = get_type_hints(cls)
        names = frozenset(f.name for f in fields(cls))
        converters = {
            name: _TEMPORAL_HINTS[hints[name]] for name in names if hints[name] in _TEMPORAL_HINTS
        }
        money = tuple((name, f"{name}_fen") for name in names if hints[name] in _MONEY_HINTS)
        shape = _SHAPES[cls] = _Shape(names, converters, money)
    return shape


class _FromMap:
    """Builds a record from a Cypher map, ignoring keys the record does not declare."""

    __slots__ = ()

    @classmethod
    def from_map(cls, data: dict[str, Any]) -> Self:
        shape = _shape(cls)
        names = shape.names
        # Statements mostly return exactly the record's keys: one set comparison checks that.
        values = dict(data) if data.keys() <= names else {k: data[k] for k in data if k in names}
        for name, convert in shape.converters.items():
            if name in values:
                values[name] = convert(values[name])
        for name, fen_key in shape.money:
            if fen_key in data:
                values[name] = from_fen(data[fen_key])
        return cls(**values)


@record
class PartyRecord(_FromMap):
    id: str
    name: str
    party_type: str  # PERSON | COMPANY
    region: str | None = None
    address: str | None = None
    phone: str | None = None
    # persons
    gender: str | None = None
    birth_date: dt.date | None = None
    national_id: str | None = None
    occupation: str | None = None
    # companies
    credit_code: str | None = None
    industry: str | None = None
    size: str | None = None
    registered_capital: Decimal | None = None
    founded: dt.date | None = None
    institution_type: str | None = None
    # customers
    is_customer: bool = False
    since: dt.date | None = None
    segment: str | None = None
    value_tier: str | None = None
    need_type: str | None = None
    risk_tolerance: str | None = None
    assets: Decimal | None = None
    home_branch_id: str | None = None
    listed: bool = False  # on an active prohibition list
    # Computed by relgraph's segmentation (graph/segments.py), beside the loaded segment,
    # value_tier and need_type above, which are the source system's.
    computed_segment: str | None = None
    computed_value_tier: str | None = None
    computed_need_type: str | None = None
    computed_segment_on: dt.date | None = None
    computed_segment_version: str | None = None
    segment_frequency: float | None = None
    segment_value_score: float | None = None
    segment_potential_score: float | None = None
    # Stored for the NAME order (loaders/names.py); declared so that a party map, which carries
    # every property, matches the record's keys (from_map's fast path).
    name_sort_key: str | None = None


@record
class SegmentChange(_FromMap):
    """One entry of a customer's computed-segment history."""

    customer_id: str
    run_id: str
    on: dt.date
    at: dt.datetime
    version: str
    segment: str
    value_tier: str
    need_type: str
    frequency: float
    value_score: float
    potential_score: float
    dropped: bool = False
    previous_segment: str | None = None
    previous_value_tier: str | None = None
    previous_need_type: str | None = None


@record
class SegmentRun(_FromMap):
    id: str
    version: str
    as_of: dt.date
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    customers: int | None = None
    first_computed: int | None = None
    changed: int | None = None
    dropped: int | None = None


@record
class ProductRecord(_FromMap):
    id: str
    name: str
    type: str
    risk_rating: str
    status: str
    currency: str = "CNY"
    issue_date: dt.date | None = None
    maturity_date: dt.date | None = None
    issue_size: Decimal | None = None
    coupon_rate: float | None = None


@record
class HoldingRecord(_FromMap):
    holder_id: str
    product_id: str
    amount: Decimal
    current: bool  # held today (docs/model.md), as the statement's $today saw it
    since: dt.date | None = None
    until: dt.date | None = None


@record
class UnderwritingRecord(_FromMap):
    underwriter_id: str
    product_id: str
    role: str
    share: float | None = None


@record
class ManagerAssignment(_FromMap):
    employee_id: str
    customer_id: str
    role: str
    since: dt.date | None = None


@record
class EmployeeRecord(_FromMap):
    id: str
    name: str
    roles: list[str]
    branch_id: str | None = None
    position: str | None = None
    hired: dt.date | None = None
    phone: str | None = None
    email: str | None = None


@record
class BranchRecord(_FromMap):
    id: str
    name: str
    kind: str
    region: str | None = None
    city: str | None = None
    parent_id: str | None = None


@record
class FeeRecord(_FromMap):
    id: str
    party_id: str
    product_id: str
    period: str
    billed: Decimal
    paid: Decimal
    owed: Decimal
    billed_on: dt.date
    due_on: dt.date
    paid_on: dt.date | None = None

    def status(self, today: dt.date) -> FeeStatus:
        if self.owed > 0:
            return FeeStatus.OVERDUE if self.due_on < today else FeeStatus.OPEN
        if self.paid_on is not None and self.paid_on > self.due_on:
            return FeeStatus.PAID_LATE
        return FeeStatus.PAID

    def days_overdue(self, today: dt.date) -> int:
        """Days past the due date while still owed; 0 otherwise."""
        return (today - self.due_on).days if self.owed > 0 and self.due_on < today else 0


@record
class RiskWarningRecord(_FromMap):
    id: str
    party_id: str
    level: str
    category: str
    raised_on: dt.date
    description: str | None = None
    source: str | None = None
    resolved_on: dt.date | None = None


@record
class TagRecord(_FromMap):
    id: str
    name: str
    category: str
    score: float | None = None


@record
class InteractionRecord(_FromMap):
    id: str
    party_id: str
    kind: str
    topic: str
    at: dt.datetime
    content_id: str | None = None
    channel: str | None = None
    employee_id: str | None = None


@record
class InterestRecord(_FromMap):
    topic: str
    browse: int = 0
    comment: int = 0
    share: int = 0


@record
class LinkRecord(_FromMap):
    """One corporate-personal or corporate tie seen from `party_id`'s side."""

    party_id: str
    other_id: str
    type: str  # OWNS | EXECUTIVE_OF | LEGAL_REP_OF | EMPLOYED_BY | FAMILY_OF | GUARANTEES
    outgoing: bool  # True when party_id is the tie's subject (owner, executive, …)
    current: bool  # holds today (docs/model.md), as the statement's $today saw it
    share: float | None = None
    voting_share: float | None = None
    title: str | None = None
    position: str | None = None
    payroll_with_us: bool | None = None
    relation: str | None = None
    amount: Decimal | None = None
    since: dt.date | None = None
    until: dt.date | None = None


@record
class ListEntryRecord(_FromMap):
    id: str
    party_id: str
    list: str
    list_name: str
    listed_on: dt.date
    reason: str | None = None
    source: str | None = None
    delisted_on: dt.date | None = None  # the first day the entry no longer holds
    # Set when compliance listed or delisted through the API (loaded entries carry neither).
    listed_by: str | None = None
    delisted_by: str | None = None
    delist_reason: str | None = None

    def active_on(self, day: dt.date) -> bool:
        """queries/_parts/entry_active_on.cypher's rule."""
        return self.listed_on <= day and (self.delisted_on is None or self.delisted_on > day)


@record
class AlertRecord(_FromMap):
    """An exposure alert (graph/monitoring.py): what changed for which customer and listed party,
    why, and where it stands."""

    id: str
    seq: int
    raised_at: dt.datetime
    status: str  # OPEN | ACKNOWLEDGED
    change: str  # NEWLY_EXPOSED | CLOSER | FURTHER | NO_LONGER_EXPOSED
    cause: str  # LISTING | DELISTING | LOAD
    cause_ref: str  # the list entry, or the folder loaded
    customer_id: str
    listed_id: str
    path: str  # JSON of the strongest path now (empty once no longer exposed)
    hops: int | None = None  # None once no longer exposed
    previous_hops: int | None = None  # None when newly exposed
    score: float | None = None
    note: str | None = None
    acknowledged_by: str | None = None
    acknowledged_at: dt.datetime | None = None


@record
class ScreeningRunRecord(_FromMap):
    """A screening run (graph/screening.py): its parameters, and its counts once finished."""

    id: str
    status: str  # RUNNING | COMPLETED | FAILED
    started_at: dt.datetime
    started_by: str
    max_hops: int
    as_of: dt.date
    types: list[str]
    cap: int
    previous_run_id: str | None = None
    finished_at: dt.datetime | None = None
    seconds: float | None = None
    customers: int | None = None  # customers screened: every customer
    listed: int | None = None  # listed parties searched from
    flagged: int | None = None  # customers exposed
    exposures: int | None = None  # (customer, listed party) pairs
    exposures_by_hops: str = "{}"  # JSON: hop count → exposures
    cuts: str = "[]"  # JSON: parties not crossed, as graph.exposure.Cut
    newly_flagged: int | None = None
    no_longer_flagged: int | None = None


@record
class FlagRecord(_FromMap):
    """A customer a screening run flags, with every listed party it is exposed to."""

    run_id: str
    customer_id: str
    customer_name: str
    max_score: float
    min_hops: int
    hits: str  # JSON list of graph.screening.Hit, strongest first


@record
class SegmentCount(_FromMap):
    segment: str
    holders: int


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list plus the size of the whole list."""

    items: list[T]
    total: int
    offset: int
