"""The segmentation rules applied to one customer's business (graph/segment_rules.py), and the
peer groups of cross-sell (graph/crosssell/rules.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from graph.crosssell.rules import CrossSellRules, Profile, all_peer_groups, peer_group
from graph.model import NeedType, Segment, ValueTier
from graph.segment_rules import Business, SegmentRules, classify

RULES = SegmentRules.load()


def test_no_business_is_potential_low_and_transactional() -> None:
    result = classify(Business(), RULES)
    assert (result.segment, result.value_tier, result.need_type) == (
        Segment.POTENTIAL,
        ValueTier.LOW,
        NeedType.TRANSACTIONAL,
    )
    assert result.frequency == result.value_score == result.potential_score == 0


def test_frequent_high_potential_business_is_key() -> None:
    institution = Business(
        new_holdings=2,
        underwritings=2,
        fees_billed=8,
        holdings_amount=Decimal(500_000_000),
        fees_paid=Decimal(200_000),
        underwriting_amount=Decimal(2_000_000_000),
        size="LARGE",
        registered_capital=Decimal(5_000_000_000),
        financial_institution=True,
        amount_by_type={"DEBT_INSTRUMENT": Decimal(400_000_000), "DEPOSIT": Decimal(100_000_000)},
    )
    result = classify(institution, RULES)
    # 2 new holdings + 2 underwritings × 2 + 8 fees × 0.25, with the repository's weights.
    assert result.frequency == pytest.approx(2 + 4 + 2)
    assert result.segment is Segment.KEY and result.value_tier is ValueTier.HIGH
    assert result.need_type is NeedType.WEALTH


def test_the_same_customer_doing_no_business_in_the_window_drops_to_value() -> None:
    quiet = Business(
        holdings_amount=Decimal(500_000_000),
        size="LARGE",
        registered_capital=Decimal(5_000_000_000),
        financial_institution=True,
        amount_by_type={"DEPOSIT": Decimal(500_000_000)},
    )
    result = classify(quiet, RULES)
    assert result.frequency == 0
    assert result.potential_score >= RULES.segments.KEY.min_potential
    assert result.segment is Segment.VALUE  # high potential, business done, infrequently


def test_value_tiers_follow_the_value_score_thresholds() -> None:
    scale = RULES.value.holdings
    for amount, tier in ((scale.cap, ValueTier.HIGH), (scale.floor, ValueTier.LOW)):
        assert classify(Business(holdings_amount=Decimal(amount)), RULES).value_tier is tier
    middle = scale.floor * (scale.cap / scale.floor) ** 0.45  # a value score of 0.45
    result = classify(Business(holdings_amount=Decimal(middle)), RULES)
    assert result.value_score == pytest.approx(0.45, abs=1e-3)
    assert result.value_tier is ValueTier.MEDIUM


@pytest.mark.parametrize(
    ("holdings", "need"),
    [
        ({"DEPOSIT": 1, "SETTLEMENT_ACCOUNT": 1}, NeedType.TRANSACTIONAL),
        ({"DEPOSIT": 1, "WEALTH_MANAGEMENT": 3}, NeedType.WEALTH),
        ({"DEPOSIT": 3, "WEALTH_MANAGEMENT": 1}, NeedType.TRANSACTIONAL),
        (
            {"DEPOSIT": 1, "LOAN": 1, "WEALTH_MANAGEMENT": 1, "INSURANCE": 1},
            NeedType.COMPREHENSIVE,
        ),
        ({"DEPOSIT": 1, "LOAN": 1, "FX": 1, "LEASING": 1}, NeedType.TRANSACTIONAL),
    ],
)
def test_need_type_follows_the_product_lines_used(holdings: dict[str, int], need: NeedType) -> None:
    amounts = {kind: Decimal(amount) for kind, amount in holdings.items()}
    assert classify(Business(amount_by_type=amounts), RULES).need_type is need


PEERS = CrossSellRules.load().peer_groups
TODAY = dt.date(2026, 6, 30)


@pytest.mark.parametrize(
    ("profile", "group"),
    [
        (Profile("PERSON", "KEY", dt.date(1992, 7, 1)), "KEY:PERSON:0-34"),  # 33, turns 34 soon
        (Profile("PERSON", "KEY", dt.date(1991, 6, 30)), "KEY:PERSON:35-59"),  # 35 today
        (Profile("PERSON", "VALUE", dt.date(1966, 6, 30)), "VALUE:PERSON:60+"),
        (Profile("PERSON", None, dt.date(1966, 7, 1)), "UNSEGMENTED:PERSON:35-59"),
        (Profile("PERSON", "VALUE", dt.date(1980, 1, 1), owner=True), "VALUE:PERSON:OWNER"),
        (Profile("PERSON", "VALUE"), "VALUE:PERSON:AGE_UNKNOWN"),
        (
            Profile("COMPANY", "KEY", institution_type="BANK", size="LARGE"),
            "KEY:COMPANY:INSTITUTION",
        ),
        (Profile("COMPANY", "KEY", size="LARGE"), "KEY:COMPANY:LARGE"),
        (Profile("COMPANY", "POTENTIAL", size="MICRO"), "POTENTIAL:COMPANY:SME"),
    ],
)
def test_peer_groups(profile: Profile, group: str) -> None:
    assert peer_group(profile, TODAY, PEERS) == group
    assert group in all_peer_groups(PEERS)
