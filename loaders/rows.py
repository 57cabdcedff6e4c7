"""The input format: one pydantic model per load file. docs/data-format.md is written from these.

Every file is `<name>.csv` (UTF-8, header row) or `<name>.jsonl` (one object per line) in the load
folder. In CSV an empty cell is "absent"; list columns are `|`-separated. Dates are ISO
`YYYY-MM-DD`, timestamps ISO 8601. Fractions (shares) are in [0, 1]; money is in CNY yuan, an
exact decimal with at most two places (graph/money.py), not negative. Numbers are finite.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    computed_field,
    field_validator,
    model_validator,
)
from pydantic.functional_serializers import PlainSerializer

from graph.credit import HUNDRED, MAX_POINTS_RATE
from graph.model import (
    BranchKind,
    CompanySize,
    EmployeeRole,
    FamilyRelation,
    InstitutionType,
    InteractionKind,
    ListKind,
    ManagerRole,
    NeedType,
    ProductStatus,
    ProductType,
    ReferralRoute,
    ReferralStage,
    RiskLevel,
    Segment,
    TagCategory,
    UnderwriterRole,
    ValueTier,
    WarningLevel,
)
from graph.money import parse_money, to_fen
from graph.referrals import Action, Actor
from loaders.names import name_sort_key

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]


def _not_negative(amount: Decimal) -> Decimal:
    if amount < 0:
        raise ValueError("money must not be negative")
    return amount


# An exact amount in yuan (parse_money's rules: at most two places, finite, below MAX_YUAN), which
# a row dumps as integer fen: the statements store it in the `*_fen` property beside the column.
Money = Annotated[
    Decimal,
    BeforeValidator(parse_money),
    AfterValidator(_not_negative),
    PlainSerializer(to_fen, return_type=int),
]


class Row(BaseModel):
    # allow_inf_nan=False: every float field refuses inf and nan, however spelt ("Infinity",
    # "nan", 1e309).
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        frozen=True,
        use_enum_values=True,
        allow_inf_nan=False,
    )


class _Period(Row):
    """Relationships that hold over time carry since/until, to ask questions as of a date."""

    since: date | None = None
    until: date | None = None

    @model_validator(mode="after")
    def _until_after_since(self) -> _Period:
        if self.since and self.until and self.until < self.since:
            raise ValueError("until is before since")
        return self


# --- nodes -------------------------------------------------------------------------------


class PersonRow(Row):
    id: Id
    name: Name
    gender: Annotated[str, Field(pattern=r"^[MF]$")] | None = None
    birth_date: date | None = None
    national_id: Annotated[str, Field(pattern=r"^[0-9]{17}[0-9X]$")] | None = None
    phone: Annotated[str, Field(pattern=r"^\+?[0-9-]{6,20}$")] | None = None
    address: Annotated[str, Field(max_length=300)] | None = None
    region: Annotated[str, Field(max_length=60)] | None = None
    occupation: Annotated[str, Field(max_length=60)] | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def name_sort_key(self) -> str:
        """Stored with the person, for lists in pinyin order (loaders/names.py); not a column."""
        return name_sort_key(self.name, self.id, person=True)


class CompanyRow(Row):
    id: Id
    name: Name
    credit_code: Annotated[str, Field(pattern=r"^[0-9A-Z]{18}$")] | None = None
    industry: Annotated[str, Field(max_length=60)] | None = None
    region: Annotated[str, Field(max_length=60)] | None = None
    size: CompanySize | None = None
    registered_capital: Money | None = None
    founded: date | None = None
    institution_type: InstitutionType | None = None
    address: Annotated[str, Field(max_length=300)] | None = None
    phone: Annotated[str, Field(pattern=r"^\+?[0-9-]{6,20}$")] | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def name_sort_key(self) -> str:
        """Stored with the company, for lists in pinyin order (loaders/names.py); not a column."""
        return name_sort_key(self.name, self.id, person=False)


class CustomerRow(Row):
    """Makes an existing person or company a customer (adds the :Customer label)."""

    party_id: Id
    since: date
    segment: Segment
    value_tier: ValueTier | None = None
    need_type: NeedType | None = None
    risk_tolerance: RiskLevel | None = None
    home_branch_id: Id


class BranchRow(Row):
    id: Id
    name: Name
    kind: BranchKind
    region: Annotated[str, Field(max_length=60)] | None = None
    city: Annotated[str, Field(max_length=60)] | None = None


class EmployeeRow(Row):
    id: Id
    name: Name
    roles: Annotated[list[EmployeeRole], Field(min_length=1)]
    hired: date | None = None
    phone: Annotated[str, Field(pattern=r"^\+?[0-9-]{6,20}$")] | None = None
    email: Annotated[str, Field(max_length=120, pattern=r"^[^@\s]+@[^@\s]+$")] | None = None

    @field_validator("roles", mode="before")
    @classmethod
    def _split_pipe_list(cls, value: Any) -> Any:
        return split_list_cell(value)


class ProductRow(Row):
    id: Id
    name: Name
    type: ProductType
    risk_rating: RiskLevel
    status: ProductStatus
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "CNY"
    issue_date: date | None = None
    maturity_date: date | None = None
    issue_size: Money | None = None
    coupon_rate: Annotated[float, Field(ge=0.0, le=1.0)] | None = None

    @model_validator(mode="after")
    def _matures_after_issue(self) -> ProductRow:
        if self.issue_date and self.maturity_date and self.maturity_date < self.issue_date:
            raise ValueError("maturity_date is before issue_date")
        return self


class TagRow(Row):
    id: Id
    name: Name
    category: TagCategory


class FeeRow(Row):
    """A service fee (服务费) billed to a party for a product; owed = billed - paid."""

    id: Id
    party_id: Id
    product_id: Id
    period: Annotated[str, Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
    billed: Money
    paid: Money = Decimal(0)
    billed_on: date
    due_on: date
    paid_on: date | None = None

    @model_validator(mode="after")
    def _consistent(self) -> FeeRow:
        if self.paid > self.billed:
            raise ValueError("paid exceeds billed")
        if self.due_on < self.billed_on:
            raise ValueError("due_on is before billed_on")
        if self.paid_on and self.paid_on < self.billed_on:
            raise ValueError("paid_on is before billed_on")
        return self


class RiskWarningRow(Row):
    id: Id
    party_id: Id
    level: WarningLevel
    category: Annotated[str, Field(min_length=1, max_length=60)]
    description: Annotated[str, Field(max_length=500)] | None = None
    source: Annotated[str, Field(max_length=60)] | None = None
    raised_on: date
    resolved_on: date | None = None

    @model_validator(mode="after")
    def _resolved_after_raised(self) -> RiskWarningRow:
        if self.resolved_on and self.resolved_on < self.raised_on:
            raise ValueError("resolved_on is before raised_on")
        return self


class InteractionRow(Row):
    """A browse, comment or share of content that an employee pushed (私域流量)."""

    id: Id
    party_id: Id
    employee_id: Id | None = None
    kind: InteractionKind
    topic: Annotated[str, Field(min_length=1, max_length=60)]
    content_id: Annotated[str, Field(max_length=64)] | None = None
    channel: Annotated[str, Field(max_length=30)] | None = None
    # An offset is required: Neo4j never equates local and zoned times, so mixing them would
    # make time-range queries silently miss rows.
    at: AwareDatetime


class ListEntryRow(Row):
    """An entry of a prohibition (禁止名单) or access (准入名单) list naming one party."""

    id: Id
    party_id: Id
    list: ListKind
    list_name: Name
    reason: Annotated[str, Field(max_length=500)] | None = None
    source: Annotated[str, Field(max_length=120)] | None = None
    listed_on: date
    delisted_on: date | None = None

    @model_validator(mode="after")
    def _delisted_after_listed(self) -> ListEntryRow:
        if self.delisted_on and self.delisted_on < self.listed_on:
            raise ValueError("delisted_on is before listed_on")
        return self


# --- relationships -----------------------------------------------------------------------


class PartOfRow(Row):
    branch_id: Id
    parent_id: Id

    @model_validator(mode="after")
    def _not_self(self) -> PartOfRow:
        if self.branch_id == self.parent_id:
            raise ValueError("a branch cannot be its own parent")
        return self


class WorksAtRow(_Period):
    employee_id: Id
    branch_id: Id
    position: Annotated[str, Field(max_length=60)] | None = None


class ManagesRow(_Period):
    employee_id: Id
    customer_id: Id
    role: ManagerRole = ManagerRole.PRIMARY


class IssuedRow(Row):
    issuer_id: Id
    product_id: Id


class UnderwroteRow(Row):
    underwriter_id: Id
    product_id: Id
    role: UnderwriterRole
    share: Fraction | None = None


class HoldsRow(_Period):
    holder_id: Id
    product_id: Id
    amount: Money


class OwnsRow(_Period):
    owner_id: Id
    company_id: Id
    share: Fraction
    voting_share: Fraction | None = None

    @model_validator(mode="after")
    def _not_self(self) -> OwnsRow:
        if self.owner_id == self.company_id:
            raise ValueError("a company cannot own itself directly")
        return self


class ExecutiveOfRow(_Period):
    person_id: Id
    company_id: Id
    title: Annotated[str, Field(min_length=1, max_length=60)]


class LegalRepOfRow(_Period):
    person_id: Id
    company_id: Id


class EmployedByRow(_Period):
    person_id: Id
    company_id: Id
    position: Annotated[str, Field(max_length=60)] | None = None
    payroll_with_us: bool = False


class FamilyOfRow(_Period):
    person_id: Id
    relative_id: Id
    relation: FamilyRelation

    @model_validator(mode="after")
    def _not_self(self) -> FamilyOfRow:
        if self.person_id == self.relative_id:
            raise ValueError("a person cannot be their own relative")
        return self


class GuaranteesRow(_Period):
    guarantor_id: Id
    company_id: Id
    amount: Money


class TaggedRow(Row):
    party_id: Id
    tag_id: Id
    score: Fraction | None = None


# --- referrals (转介) and their credit policies ---------------------------------------------

# A role's percent of a win's credit basis, and points per yuan, within the limits
# publishCreditPolicy checks (graph/credit.py): exact decimals, stored as their text.
Percent = Annotated[
    Decimal, Field(ge=0, le=HUNDRED, decimal_places=2), PlainSerializer(str, return_type=str)
]
PointsRate = Annotated[
    Decimal,
    Field(gt=0, le=MAX_POINTS_RATE, decimal_places=4),
    PlainSerializer(str, return_type=str),
]
# What a referral event records: the referral's creation, or an action of the stage machine
# (graph/referrals.py); and what the one acting was to the referral.
EVENT_ACTIONS = frozenset({"CREATE", *Action})
EVENT_ACTOR_KINDS = frozenset({"REFERRER", *Actor})


def _one_of(allowed: frozenset[str]) -> AfterValidator:
    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(sorted(allowed))}")
        return value

    return AfterValidator(check)


class CreditPolicyRow(Row):
    """A version of a product line's credit policy (业绩分成): each participant role's share of a
    won referral's credit, in percent, and the line's points rate (产品积分)."""

    product_line: ProductType
    version: Annotated[int, Field(ge=1, le=10_000)]
    effective_from: date
    referrer_share: Percent
    closer_share: Percent
    supporting_share: Percent
    points_rate: PointsRate

    @model_validator(mode="after")
    def _shares_make_a_whole(self) -> CreditPolicyRow:
        if self.referrer_share + self.closer_share + self.supporting_share != HUNDRED:
            raise ValueError("the shares must sum to exactly 100")
        return self


class ReferralRow(Row):
    """A referral (转介) as it stands: who referred which customer to whom, and how it ended."""

    id: Id
    customer_id: Id
    referrer_id: Id
    recipient_id: Id
    institution_id: Id
    route: ReferralRoute
    stage: ReferralStage
    product_line: ProductType | None = None
    product_ids: list[Id] = []
    need: Annotated[str, Field(max_length=500)] | None = None
    note: Annotated[str, Field(max_length=2000)] | None = None
    push_rule: Annotated[str, Field(max_length=120)] | None = None
    push_rules_version: Annotated[int, Field(ge=0)] | None = None
    created_at: AwareDatetime
    stage_changed_at: AwareDatetime
    closer_id: Id | None = None
    won_product_id: Id | None = None
    won_amount: Money | None = None
    holding_id: Annotated[str, Field(max_length=120)] | None = None

    @field_validator("product_ids", mode="before")
    @classmethod
    def _split_pipe_list(cls, value: Any) -> Any:
        return split_list_cell(value)

    @model_validator(mode="after")
    def _consistent(self) -> ReferralRow:
        if self.stage_changed_at < self.created_at:
            raise ValueError("stage_changed_at is before created_at")
        won = self.stage == ReferralStage.WON
        given = [
            name
            for name in ("closer_id", "won_product_id", "won_amount", "holding_id")
            if getattr(self, name) is not None
        ]
        if won and (self.won_product_id is None or self.won_amount is None):
            raise ValueError("a WON referral needs won_product_id and won_amount")
        if not won and given:
            raise ValueError(
                "closer_id, won_product_id, won_amount and holding_id are for a WON referral only"
            )
        return self


class ReferralSupporterRow(Row):
    """An employee who supported a referral (a SUPPORTING participant): they share its credit."""

    referral_id: Id
    employee_id: Id
    since: AwareDatetime | None = None


class ReferralEventRow(Row):
    """One step of a referral's timeline, numbered from 1 (its creation) in order."""

    referral_id: Id
    seq: Annotated[int, Field(ge=1, le=1000)]
    at: AwareDatetime
    action: Annotated[str, _one_of(EVENT_ACTIONS)]
    from_stage: ReferralStage | None = None
    to_stage: ReferralStage
    actor_id: Id | None = None
    actor_kind: Annotated[str, _one_of(EVENT_ACTOR_KINDS)]
    note: Annotated[str, Field(max_length=2000)] | None = None


def split_list_cell(value: Any) -> Any:
    """CSV carries lists as `A|B`; JSONL carries real arrays. Both end up as lists."""
    if isinstance(value, str):
        return [part.strip() for part in value.split("|") if part.strip()]
    return value
