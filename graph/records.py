"""Typed domain records the repositories return: frozen dataclasses, no neo4j types leak out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any, Generic, Self, TypeVar

from neo4j.time import Date, DateTime

T = TypeVar("T")


def native(value: Any) -> Any:
    """neo4j temporal values become the standard library's, recursively."""
    if isinstance(value, Date | DateTime):
        return value.to_native()
    if isinstance(value, list):
        return [native(v) for v in value]
    if isinstance(value, dict):
        return {k: native(v) for k, v in value.items()}
    return value


_TEMPORAL = (Date, DateTime)
_FIELD_NAMES: dict[type, frozenset[str]] = {}


class _FromMap:
    """Builds a record from a Cypher map, ignoring keys the record does not declare."""

    @classmethod
    def from_map(cls, data: dict[str, Any]) -> Self:
        names = _FIELD_NAMES.get(cls)
        if names is None:
            names = _FIELD_NAMES[cls] = frozenset(f.name for f in fields(cls))  # type: ignore[arg-type]
        # Record fields are flat (a list of strings at most), so only top-level temporals need
        # converting: this runs for every value of every row, a walk per value is too dear.
        return cls(
            **{
                k: v.to_native() if isinstance(v, _TEMPORAL) else v
                for k, v in data.items()
                if k in names
            }
        )


@dataclass(frozen=True, slots=True)
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
    registered_capital: float | None = None
    founded: dt.date | None = None
    institution_type: str | None = None
    # customers
    is_customer: bool = False
    since: dt.date | None = None
    segment: str | None = None
    value_tier: str | None = None
    need_type: str | None = None
    risk_tolerance: str | None = None
    assets: float | None = None
    home_branch_id: str | None = None
    listed: bool = False  # on an active prohibition list


@dataclass(frozen=True, slots=True)
class ProductRecord(_FromMap):
    id: str
    name: str
    type: str
    risk_rating: str
    status: str
    currency: str = "CNY"
    issue_date: dt.date | None = None
    maturity_date: dt.date | None = None
    issue_size: float | None = None
    coupon_rate: float | None = None


@dataclass(frozen=True, slots=True)
class HoldingRecord(_FromMap):
    holder_id: str
    product_id: str
    amount: float
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class UnderwritingRecord(_FromMap):
    underwriter_id: str
    product_id: str
    role: str
    share: float | None = None


@dataclass(frozen=True, slots=True)
class ManagerAssignment(_FromMap):
    employee_id: str
    customer_id: str
    role: str
    since: dt.date | None = None


@dataclass(frozen=True, slots=True)
class EmployeeRecord(_FromMap):
    id: str
    name: str
    roles: list[str]
    branch_id: str | None = None
    position: str | None = None
    hired: dt.date | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class BranchRecord(_FromMap):
    id: str
    name: str
    kind: str
    region: str | None = None
    city: str | None = None
    parent_id: str | None = None


@dataclass(frozen=True, slots=True)
class FeeRecord(_FromMap):
    id: str
    party_id: str
    product_id: str
    period: str
    billed: float
    paid: float
    owed: float
    billed_on: dt.date
    due_on: dt.date
    paid_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class RiskWarningRecord(_FromMap):
    id: str
    party_id: str
    level: str
    category: str
    raised_on: dt.date
    description: str | None = None
    source: str | None = None
    resolved_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class TagRecord(_FromMap):
    id: str
    name: str
    category: str
    score: float | None = None


@dataclass(frozen=True, slots=True)
class InteractionRecord(_FromMap):
    id: str
    party_id: str
    kind: str
    topic: str
    at: dt.datetime
    content_id: str | None = None
    channel: str | None = None
    employee_id: str | None = None


@dataclass(frozen=True, slots=True)
class InterestRecord(_FromMap):
    topic: str
    browse: int = 0
    comment: int = 0
    share: int = 0


@dataclass(frozen=True, slots=True)
class LinkRecord(_FromMap):
    """One corporate-personal or corporate tie seen from `party_id`'s side."""

    party_id: str
    other_id: str
    type: str  # OWNS | EXECUTIVE_OF | LEGAL_REP_OF | EMPLOYED_BY | FAMILY_OF | GUARANTEES
    outgoing: bool  # True when party_id is the tie's subject (owner, executive, …)
    share: float | None = None
    voting_share: float | None = None
    title: str | None = None
    position: str | None = None
    payroll_with_us: bool | None = None
    relation: str | None = None
    amount: float | None = None
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ListEntryRecord(_FromMap):
    id: str
    party_id: str
    list: str
    list_name: str
    listed_on: dt.date
    reason: str | None = None
    source: str | None = None
    delisted_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class SegmentCount(_FromMap):
    segment: str
    holders: int


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list plus the size of the whole list."""

    items: list[T]
    total: int
    offset: int
