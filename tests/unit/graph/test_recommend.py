"""The recommender's ranking, reasons and suppression rules on statistics made up here, so that
every number can be worked out by hand."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import Sequence

import pytest

from graph.crosssell import recommend as recommend_module
from graph.crosssell.recommend import (
    CoHolding,
    CustomerInputs,
    LinkedHolder,
    LinkedParty,
    SimilarCustomers,
    rank,
    recommend,
    recommend_reading,
)
from graph.crosssell.rules import CrossSellRules, peer_group
from graph.crosssell.stats import ScopeStatistics, StatsStatus
from graph.model import SuppressionRule
from graph.records import PartyRecord, ProductRecord

RULES = CrossSellRules.load()
TODAY = dt.date(2026, 6, 30)
STATUS = StatsStatus(1, "test", 100, dt.datetime(2026, 6, 30, tzinfo=dt.UTC), None)


def customer(**extra: object) -> PartyRecord:
    fields: dict[str, object] = {
        "id": "P1",
        "name": "张三",
        "party_type": "PERSON",
        "is_customer": True,
        "segment": "VALUE",
        "risk_tolerance": "R2",
        "birth_date": dt.date(1980, 1, 1),
    }
    return PartyRecord(**(fields | extra))  # type: ignore[arg-type]


def inputs(held: set[str], **extra: object) -> CustomerInputs:
    listed_path = extra.pop("listed_path", ())
    linked = extra.pop("linked", ())
    return CustomerInputs(customer(**extra), False, frozenset(held), listed_path, linked)  # type: ignore[arg-type]


def facts(
    id_: str, type_: str = "DEPOSIT", risk: str = "R1", status: str = "ACTIVE", **dates: dt.date
) -> ProductRecord:
    return ProductRecord(
        id_,
        id_,
        type_,
        risk,
        status,
        issue_date=dates.get("issued"),
        maturity_date=dates.get("matures"),
    )


GROUP = peer_group(inputs(set()).profile, TODAY, RULES.peer_groups)


def statistics() -> ScopeStatistics:
    """100 customers; 40 of the customer's 50 peers hold A; B is held by 30, 24 of whom hold A;
    C by 20 customers, none with A; D (rated R4) by 25 peers."""
    return ScopeStatistics(
        status=STATUS,
        customers=100,
        holders=Counter({"A": 60, "B": 30, "C": 20, "D": 25, "OLD": 50, "SOON": 40}),
        peer_customers=Counter({GROUP: 50}),
        peer_holders={GROUP: Counter({"A": 40, "B": 20, "C": 5, "D": 25, "OLD": 30, "SOON": 30})},
        co_holders={"A": Counter({"B": 24, "D": 15}), "B": Counter({"A": 24})},
    )


PRODUCTS = {
    "A": facts("A"),
    "B": facts("B", "WEALTH_MANAGEMENT", "R2"),
    "C": facts("C"),
    "D": facts("D", "WEALTH_MANAGEMENT", "R4"),
    "OLD": facts("OLD", status="MATURED"),
    "SOON": facts("SOON", issued=dt.date(2026, 9, 1)),
}


def test_suggestions_are_ranked_by_score_and_carry_their_evidence() -> None:
    found = recommend(inputs({"A"}), statistics(), PRODUCTS, TODAY, RULES, 5)
    assert [s.product_id for s in found.suggestions] == ["B", "C"]
    assert [s.rank for s in found.suggestions] == [1, 2]
    assert found.suggestions[0].score > found.suggestions[1].score
    b_reasons = found.suggestions[0].reasons
    assert SimilarCustomers("VALUE", GROUP, 50, 20, 0.4) in b_reasons
    co = next(r for r in b_reasons if isinstance(r, CoHolding))
    # 24 of A's 60 holders hold B; B is held by 30 of 100 customers.
    assert (co.held_product_id, co.product_holders, co.co_holders) == ("A", 60, 24)
    assert co.support == pytest.approx(0.24)
    assert co.confidence == pytest.approx(0.4)
    assert co.lift == pytest.approx(0.4 / 0.3)
    # C is never held with A: no co-holding reason, only its peers.
    assert [type(r) for r in found.suggestions[1].reasons] == [SimilarCustomers]


def test_each_product_rule_sets_a_product_aside_with_its_evidence() -> None:
    found = recommend(inputs({"A"}), statistics(), PRODUCTS, TODAY, RULES, 5)
    set_aside = {s.product_id: s.suppressions for s in found.suppressed}
    assert [x.rule for x in set_aside["A"]] == [SuppressionRule.ALREADY_HELD]
    (old,) = set_aside["OLD"]
    assert (old.rule, old.product_status) == (SuppressionRule.NOT_ON_SALE, "MATURED")
    (soon,) = set_aside["SOON"]
    assert soon.rule is SuppressionRule.NOT_ON_SALE and "2026-09-01" in soon.detail
    (risky,) = set_aside["D"]
    assert (risky.rule, risky.product_risk, risky.customer_tolerance) == (
        SuppressionRule.ABOVE_RISK_TOLERANCE,
        "R4",
        "R2",
    )
    assert found.blocked == []


def test_an_active_product_past_its_maturity_date_is_not_on_sale() -> None:
    products = PRODUCTS | {"C": facts("C", matures=TODAY)}
    found = recommend(inputs({"A"}), statistics(), products, TODAY, RULES, 5)
    assert "C" not in [s.product_id for s in found.suggestions]
    (matured,) = next(s for s in found.suppressed if s.product_id == "C").suppressions
    assert matured.detail == "matured on 2026-06-30"


def test_suitability_covers_investment_products_only() -> None:
    # A loan rated above the customer's tolerance is the bank's risk, not the customer's.
    products = PRODUCTS | {"C": facts("C", "LOAN", "R3")}
    found = recommend(inputs({"A"}), statistics(), products, TODAY, RULES, 5)
    assert "C" in [s.product_id for s in found.suggestions]
    # No tolerance on record: no investment product at all.
    unknown = recommend(inputs({"A"}, risk_tolerance=None), statistics(), products, TODAY, RULES, 5)
    assert "B" not in [s.product_id for s in unknown.suggestions]


def test_a_listed_customer_or_one_linked_to_a_listed_party_is_offered_nothing() -> None:
    listed = recommend(inputs({"A"}, listed=True), statistics(), PRODUCTS, TODAY, RULES, 2)
    assert listed.suggestions == []
    assert [b.rule for b in listed.blocked] == [SuppressionRule.CUSTOMER_PROHIBITED]
    # The `first` best-scored products are listed as set aside, the block on each (D, all of
    # whose holders are peers, scores highest; it is above the tolerance too).
    assert [s.product_id for s in listed.suppressed] == ["D", "B"]
    assert all(
        SuppressionRule.CUSTOMER_PROHIBITED in [x.rule for x in s.suppressions]
        for s in listed.suppressed
    )
    bad = PartyRecord(id="X", name="黑名单公司", party_type="COMPANY", listed=True)
    between = PartyRecord(id="P2", name="李四", party_type="PERSON")
    linked = recommend(
        inputs({"A"}, listed_path=(between, bad)), statistics(), PRODUCTS, TODAY, RULES, 2
    )
    (block,) = linked.blocked
    assert block.rule is SuppressionRule.LINKED_TO_LISTED_PARTY
    assert block.listed_path == (between, bad) and "2 hops" in block.detail
    assert linked.suggestions == []


def test_linked_parties_are_named_only_when_passed_in_and_only_for_what_they_hold() -> None:
    spouse = PartyRecord(id="P9", name="王五", party_type="PERSON", is_customer=True)
    holder = LinkedHolder(spouse, "FAMILY_OF", True, None, frozenset({"C"}))
    both = inputs({"A"}, linked=(holder,))
    shown = recommend(both, statistics(), PRODUCTS, TODAY, RULES, 5)
    c = next(s for s in shown.suggestions if s.product_id == "C")
    assert LinkedParty(holder) in c.reasons
    assert not any(isinstance(r, LinkedParty) for r in shown.suggestions[0].reasons)
    hidden = recommend(both, statistics(), PRODUCTS, TODAY, RULES, 5, linked=[])
    assert not any(isinstance(r, LinkedParty) for s in hidden.suggestions for r in s.reasons)


@pytest.mark.parametrize("margin", [0, 1, 30])
@pytest.mark.parametrize(
    ("held", "extra", "first"),
    [({"A"}, {}, 5), ({"A"}, {}, 1), ({"A", "B"}, {}, 2), ({"A"}, {"listed": True}, 2)],
)
def test_reading_facts_as_the_walk_goes_recommends_what_every_fact_at_hand_does(
    monkeypatch: pytest.MonkeyPatch,
    margin: int,
    held: set[str],
    extra: dict[str, object],
    first: int,
) -> None:
    monkeypatch.setattr(recommend_module, "FACTS_READ_MARGIN", margin)
    read_ahead = first + margin
    reads: list[list[str]] = []

    async def read_facts(ids: Sequence[str]) -> dict[str, ProductRecord]:
        reads.append(list(ids))
        return {i: PRODUCTS[i] for i in ids if i in PRODUCTS}

    customer_inputs = inputs(held, **extra)
    whole = recommend(customer_inputs, statistics(), PRODUCTS, TODAY, RULES, first)
    read = asyncio.run(
        recommend_reading(customer_inputs, statistics(), read_facts, TODAY, RULES, first)
    )
    assert read == whole
    ranked = [product for product, _ in rank(customer_inputs, statistics(), TODAY, RULES).ranked]
    walked = {s.product_id for s in whole.suggestions} | {s.product_id for s in whole.suppressed}
    # Only as deep as the walk went (rounded up to the read-ahead), the holdings with the first.
    depth = max(ranked.index(product) for product in walked) + 1
    read_ids = [product for batch in reads for product in batch]
    assert read_ids[: min(read_ahead, len(ranked))] == ranked[: min(read_ahead, len(ranked))]
    assert set(read_ids) == set(ranked[: -(-depth // read_ahead) * read_ahead]) | held
    assert len(read_ids) == len(set(read_ids))
