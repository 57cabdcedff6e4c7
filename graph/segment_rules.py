"""Segmentation rules (config/segmentation.toml) and the one function that applies them.

分类分层 (seed 000): KEY (重点) customers do business often and have high potential, VALUE (价值)
customers have done business, infrequently, with high potential, and POTENTIAL (潜在) customers are
everyone else. Seed 001 adds the matrix of value tier (HIGH / MEDIUM / LOW) × need type
(TRANSACTIONAL / WEALTH / COMPREHENSIVE). `classify` turns one customer's business, read from the
graph (graph/segments.py), into those three values and the scores behind them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from pydantic import Field, model_validator

from graph.model import CompanySize, NeedType, ProductType, Segment, ValueTier
from graph.rules import CONFIG_DIR, RulesModel, load_rules

DEFAULT_SEGMENT_RULES = CONFIG_DIR / "segmentation.toml"

Weight = Annotated[float, Field(ge=0, le=10)]
Score = Annotated[float, Field(ge=0, le=1)]


class LogScale(RulesModel):
    """An amount scored from 0 at `floor` to 1 at `cap`, on a log scale."""

    weight: Weight
    floor: Annotated[float, Field(gt=0)]
    cap: Annotated[float, Field(gt=0)]

    @model_validator(mode="after")
    def _floor_below_cap(self) -> LogScale:
        if self.floor >= self.cap:
            raise ValueError(f"floor ({self.floor:g}) must be below cap ({self.cap:g})")
        return self

    def score(self, amount: Decimal) -> float:
        # The score is a float by nature (a logarithm); the amount stays exact up to here.
        yuan = float(amount)
        if yuan <= self.floor:
            return 0.0
        if yuan >= self.cap:
            return 1.0
        return math.log(yuan / self.floor) / math.log(self.cap / self.floor)


class Frequency(RulesModel):
    new_holding: Weight
    underwriting: Weight
    fee_billed: Weight


class ValueRules(RulesModel):
    holdings: LogScale
    fees_paid: LogScale
    underwriting: LogScale


class SizeLevels(RulesModel):
    weight: Weight
    levels: dict[CompanySize, Score]

    @model_validator(mode="after")
    def _every_size(self) -> SizeLevels:
        missing = sorted(set(CompanySize) - set(self.levels))
        if missing:
            raise ValueError(f"levels must give every size; missing {', '.join(missing)}")
        return self


class Reach(RulesModel):
    weight: Weight
    cap: Annotated[int, Field(ge=1)]


class PotentialRules(RulesModel):
    value: Weight
    financial_institution: Weight
    company_size: SizeLevels
    registered_capital: LogScale
    credit_lines: LogScale
    network_reach: Reach


class SegmentRule(RulesModel):
    min_frequency: Annotated[float, Field(ge=0)]
    min_value: Score
    min_potential: Score


class SegmentThresholds(RulesModel):
    KEY: SegmentRule
    VALUE: SegmentRule


class ValueTiers(RulesModel):
    high: Score
    medium: Score

    @model_validator(mode="after")
    def _high_above_medium(self) -> ValueTiers:
        if self.high <= self.medium:
            raise ValueError(f"high ({self.high}) must be above medium ({self.medium})")
        return self


class NeedRules(RulesModel):
    transactional: list[ProductType]
    wealth: list[ProductType]
    comprehensive_min_types: Annotated[int, Field(ge=2, le=len(ProductType))]
    wealth_min_share: Score

    @model_validator(mode="after")
    def _lines_apart(self) -> NeedRules:
        both = sorted(set(self.transactional) & set(self.wealth))
        if both:
            raise ValueError(f"a product type belongs to one line only: {', '.join(both)}")
        return self


class SegmentRules(RulesModel):
    version: Annotated[str, Field(min_length=1, max_length=40)]
    window_days: Annotated[int, Field(ge=1, le=3660)]
    frequency: Frequency
    value: ValueRules
    potential: PotentialRules
    segments: SegmentThresholds
    value_tiers: ValueTiers
    need_types: NeedRules

    @classmethod
    def load(cls, path: Path = DEFAULT_SEGMENT_RULES) -> SegmentRules:
        return load_rules(path, cls)


@dataclass(frozen=True, slots=True)
class Business:
    """What one customer does with the bank, read from the graph as of a day (graph/segments.py):
    events in the look-back window and amounts now."""

    new_holdings: int = 0
    underwritings: int = 0
    fees_billed: int = 0
    holdings_amount: Decimal = Decimal(0)
    fees_paid: Decimal = Decimal(0)
    underwriting_amount: Decimal = Decimal(0)
    credit_lines: Decimal = Decimal(0)
    linked_customers: int = 0
    size: str | None = None
    registered_capital: Decimal | None = None
    financial_institution: bool = False
    # Amount held now per product type (types held at zero amount count as used).
    amount_by_type: Mapping[str, Decimal] | None = None


@dataclass(frozen=True, slots=True)
class Classification:
    segment: Segment
    value_tier: ValueTier
    need_type: NeedType
    frequency: float
    value_score: float
    potential_score: float


def classify(business: Business, rules: SegmentRules) -> Classification:
    """Decides on the scores as stored and shown (rounded to 4 places), so that the figures a
    caller reads always explain the segment and tier, even at a threshold."""
    frequency = (
        rules.frequency.new_holding * business.new_holdings
        + rules.frequency.underwriting * business.underwritings
        + rules.frequency.fee_billed * business.fees_billed
    )
    value_rules = rules.value
    value = min(
        1.0,
        value_rules.holdings.weight * value_rules.holdings.score(business.holdings_amount)
        + value_rules.fees_paid.weight * value_rules.fees_paid.score(business.fees_paid)
        + value_rules.underwriting.weight
        * value_rules.underwriting.score(business.underwriting_amount),
    )
    potential = round(_potential(business, value, rules.potential), 4)
    frequency, value = round(frequency, 4), round(value, 4)
    return Classification(
        segment=_segment(frequency, value, potential, rules.segments),
        value_tier=(
            ValueTier.HIGH
            if value >= rules.value_tiers.high
            else ValueTier.MEDIUM
            if value >= rules.value_tiers.medium
            else ValueTier.LOW
        ),
        need_type=_need(business.amount_by_type or {}, rules.need_types),
        frequency=frequency,
        value_score=value,
        potential_score=potential,
    )


def _potential(business: Business, value: float, rules: PotentialRules) -> float:
    size = CompanySize(business.size) if business.size in set(CompanySize) else None
    reach = min(business.linked_customers, rules.network_reach.cap) / rules.network_reach.cap
    return min(
        1.0,
        rules.value * value
        + (rules.financial_institution if business.financial_institution else 0.0)
        + (rules.company_size.weight * rules.company_size.levels[size] if size else 0.0)
        + rules.registered_capital.weight
        * rules.registered_capital.score(business.registered_capital or Decimal(0))
        + rules.credit_lines.weight * rules.credit_lines.score(business.credit_lines)
        + rules.network_reach.weight * reach,
    )


def _segment(frequency: float, value: float, potential: float, rules: SegmentThresholds) -> Segment:
    for segment, rule in ((Segment.KEY, rules.KEY), (Segment.VALUE, rules.VALUE)):
        if (
            frequency >= rule.min_frequency
            and value >= rule.min_value
            and potential >= rule.min_potential
        ):
            return segment
    return Segment.POTENTIAL


def _need(amount_by_type: Mapping[str, Decimal], rules: NeedRules) -> NeedType:
    transactional = {t.value for t in rules.transactional}
    wealth = {t.value for t in rules.wealth}
    used = set(amount_by_type)
    if used & transactional and used & wealth and len(used) >= rules.comprehensive_min_types:
        return NeedType.COMPREHENSIVE
    total = sum(amount_by_type.values(), Decimal(0))
    in_wealth = sum(
        (amount for kind, amount in amount_by_type.items() if kind in wealth), Decimal(0)
    )
    if used & wealth and (total <= 0 or in_wealth / total >= rules.wealth_min_share):
        return NeedType.WEALTH
    return NeedType.TRANSACTIONAL
