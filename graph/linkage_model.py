"""The public-private linkage model (公私联动): what a company should hold with us, what bundle its
staff are offered, and how likely and how valuable each link is. Pure functions over facts the
linkage statements return, so that the API's views and `relgraph opportunities generate` score
every link the same way.

Scores are in [0, 1]: how strong the tie is (control or legal representation of a company; an
executive's seniority) times how close the customer at the known end is to us (their segment).
Expected values are yuan per year: what the products suggested would bring, scaled by company
size or by the person's role, times the score. The figures are the bank's planning assumptions,
kept here as one table each so that they can be read and changed in one place.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from graph.model import CompanyRole, CompanySize, ProductType, Segment
from graph.money import CENT

P = ProductType

# The core corporate products a company should hold with its bank, the anchor (the settlement
# account) first: the order in which they are suggested.
CORE_CORPORATE: tuple[ProductType, ...] = (
    P.SETTLEMENT_ACCOUNT,
    P.PAYROLL_SERVICE,
    P.LOAN,
    P.DEPOSIT,
    P.CUSTODY,
    P.LEASING,
    P.FX,
)
# Seed 002's bundle for a corporate customer's staff (批量营销): payroll (代发工资), wealth,
# insurance and pension.
STAFF_BUNDLE: tuple[ProductType, ...] = (
    P.PAYROLL_SERVICE,
    P.WEALTH_MANAGEMENT,
    P.INSURANCE,
    P.PENSION,
)
# The bundle's personal products: those colleagues' holdings rank.
_PERSONAL_BUNDLE = STAFF_BUNDLE[1:]

# Annual revenue of a product line, yuan: per company (scaled by size) and per person (scaled
# by role).
COMPANY_PRODUCT_VALUE: Mapping[ProductType, int] = {
    P.SETTLEMENT_ACCOUNT: 20_000,
    P.PAYROLL_SERVICE: 30_000,
    P.LOAN: 120_000,
    P.DEPOSIT: 40_000,
    P.CUSTODY: 60_000,
    P.LEASING: 80_000,
    P.FX: 25_000,
    P.DEBT_INSTRUMENT: 150_000,
    P.WEALTH_MANAGEMENT: 30_000,
    P.INSURANCE: 10_000,
    P.PENSION: 20_000,
}
PERSON_PRODUCT_VALUE: Mapping[ProductType, int] = {
    P.PAYROLL_SERVICE: 3_000,
    P.WEALTH_MANAGEMENT: 12_000,
    P.INSURANCE: 6_000,
    P.PENSION: 4_000,
    P.DEPOSIT: 3_000,
    P.FX: 2_000,
    P.LOAN: 8_000,
    P.DEBT_INSTRUMENT: 10_000,
    P.SETTLEMENT_ACCOUNT: 500,
    P.CUSTODY: 1_000,
    P.LEASING: 1_000,
}
SIZE_FACTOR: Mapping[str | None, Decimal] = {
    CompanySize.LARGE: Decimal(5),
    CompanySize.MEDIUM: Decimal(2),
    CompanySize.SMALL: Decimal(1),
    CompanySize.MICRO: Decimal("0.4"),
    None: Decimal(1),
}
# A person's value by their most senior role at the company.
ROLE_FACTOR: Mapping[CompanyRole, Decimal] = {
    CompanyRole.OWNER: Decimal(3),
    CompanyRole.LEGAL_REPRESENTATIVE: Decimal(3),
    CompanyRole.EXECUTIVE: Decimal(3),
    CompanyRole.EMPLOYEE: Decimal(1),
}
# How close a customer at the known end of a link is to us; a prospect (no segment) least.
SEGMENT_FACTOR: Mapping[str | None, float] = {
    Segment.KEY: 1.0,
    Segment.VALUE: 0.85,
    Segment.POTENTIAL: 0.65,
    None: 0.5,
}
# Titles of those who run a company (they decide where its accounts go).
TOP_TITLES = frozenset({"董事长", "总经理", "执行董事", "执行董事兼总经理"})
CONTROL = Decimal("0.5")
SIGNIFICANT = Decimal("0.2")

# A company's staff, by role, and how likely they are to bank with us personally; their pay
# landing with us (payroll with us) makes it likelier.
STAFF_ROLE_STRENGTH: Mapping[CompanyRole, float] = {
    CompanyRole.OWNER: 0.55,
    CompanyRole.LEGAL_REPRESENTATIVE: 0.5,
    CompanyRole.EXECUTIVE: 0.5,
    CompanyRole.EMPLOYEE: 0.3,
}
PAYROLL_BONUS = 0.2
# The order roles are listed and ranked in: who runs the company first.
ROLE_ORDER: tuple[CompanyRole, ...] = (
    CompanyRole.EXECUTIVE,
    CompanyRole.LEGAL_REPRESENTATIVE,
    CompanyRole.OWNER,
    CompanyRole.EMPLOYEE,
)

TIE_ROLES: Mapping[str, CompanyRole] = {
    "OWNS": CompanyRole.OWNER,
    "EXECUTIVE_OF": CompanyRole.EXECUTIVE,
    "LEGAL_REP_OF": CompanyRole.LEGAL_REPRESENTATIVE,
    "EMPLOYED_BY": CompanyRole.EMPLOYEE,
}


def roles_of(tie_types: Iterable[str]) -> list[CompanyRole]:
    """The roles the ties give, most senior first."""
    held = {TIE_ROLES[t] for t in tie_types}
    return [role for role in ROLE_ORDER if role in held]


def missing_core(held: Collection[str]) -> list[ProductType]:
    """The core corporate products a company does not hold, in the order they are suggested."""
    return [p for p in CORE_CORPORATE if p not in held]


@dataclass(frozen=True, slots=True)
class BundleItem:
    """A product of the staff bundle; `colleagues_holding` of the person's `colleagues` who are
    our customers hold it (None for payroll, which is the company's, or when no colleague is a
    customer yet)."""

    product_type: ProductType
    colleagues_holding: int | None
    colleagues: int


def suggest_bundle(
    held: Collection[str],
    payroll_with_us: bool,
    colleagues: int,
    colleagues_holding: Mapping[str, int],
) -> list[BundleItem]:
    """Seed 002's bundle for one member of staff: payroll when their pay does not come through
    us, then the personal products they lack, ranked by how many of their colleagues who are our
    customers hold each. A product no colleague holds is left out, unless no colleague is a
    customer yet: then the whole bundle, in its own order."""
    items = [] if payroll_with_us else [BundleItem(P.PAYROLL_SERVICE, None, colleagues)]
    lacking = [p for p in _PERSONAL_BUNDLE if p not in held]
    if colleagues == 0:
        return items + [BundleItem(p, None, 0) for p in lacking]
    ranked = sorted(
        (p for p in lacking if colleagues_holding.get(p, 0) > 0),
        key=lambda p: (-colleagues_holding.get(p, 0), _PERSONAL_BUNDLE.index(p)),
    )
    return items + [BundleItem(p, colleagues_holding[p], colleagues) for p in ranked]


@dataclass(frozen=True, slots=True)
class Valuation:
    score: float
    expected_value: Decimal


def _valued(score: float, value: Decimal) -> Valuation:
    score = round(min(score, 1.0), 4)
    return Valuation(score, (Decimal(str(score)) * value).quantize(CENT))


def person_to_company(
    roles: Collection[CompanyRole],
    titles: Collection[str],
    effective_share: Decimal,
    person_segment: str | None,
    company_size: str | None,
    products: Iterable[ProductType],
) -> Valuation:
    """A personal customer's company, to be won for `products`: the tie's strength (control,
    legal representation, running it, a significant or a minority stake) times the person's
    closeness to us; the value is what the products bring a company of its size."""
    strength = 0.0
    if effective_share > CONTROL:
        strength = 0.9
    elif CompanyRole.LEGAL_REPRESENTATIVE in roles:
        strength = 0.8
    elif CompanyRole.EXECUTIVE in roles and TOP_TITLES & set(titles):
        strength = 0.7
    elif effective_share >= SIGNIFICANT:
        strength = 0.6
    elif CompanyRole.EXECUTIVE in roles:
        strength = 0.5
    elif effective_share > 0:
        strength = 0.3
    value = SIZE_FACTOR.get(company_size, Decimal(1)) * sum(
        (Decimal(COMPANY_PRODUCT_VALUE[p]) for p in products), Decimal(0)
    )
    return _valued(strength * SEGMENT_FACTOR.get(person_segment, 0.5), value)


def company_to_staff(
    roles: Collection[CompanyRole],
    payroll_with_us: bool,
    company_segment: str | None,
    products: Iterable[ProductType],
) -> Valuation:
    """A corporate customer's staff member, to be won for the bundle `products`: their most
    senior role (and pay through us) times the company's closeness to us; the value is what the
    bundle brings a person of that role."""
    senior = next(r for r in ROLE_ORDER if r in roles)
    strength = max(STAFF_ROLE_STRENGTH[r] for r in roles) + (
        PAYROLL_BONUS if payroll_with_us else 0.0
    )
    value = ROLE_FACTOR[senior] * sum(
        (Decimal(PERSON_PRODUCT_VALUE[p]) for p in products), Decimal(0)
    )
    return _valued(strength * SEGMENT_FACTOR.get(company_segment, 0.5), value)


# A screened customer's closeness to us by segment (active screening lists).
SCREENING_SCORE: Mapping[str | None, float] = {
    Segment.KEY: 0.8,
    Segment.VALUE: 0.6,
    Segment.POTENTIAL: 0.35,
    None: 0.25,
}


def screened(
    party_type: str, segment: str | None, company_size: str | None, product: ProductType
) -> Valuation:
    """A customer on a screening list, for `product`: their segment's score; the product's value
    for a company of their size, or for a person."""
    if party_type == "COMPANY":
        value = SIZE_FACTOR.get(company_size, Decimal(1)) * COMPANY_PRODUCT_VALUE[product]
    else:
        value = Decimal(PERSON_PRODUCT_VALUE[product])
    return _valued(SCREENING_SCORE.get(segment, 0.25), value)
