"""`accessCheck` (准入): may a customer buy a product? ALLOWED or DENIED with every reason and its
evidence (graph/admission.py)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import strawberry

from graph import admission, exposure, model
from graph.admission import Reason, ReasonCode
from graph.compliance import ComplianceRules
from graph.records import PartyRecord, ProductRecord
from schema.compliance.audit import record_look
from schema.compliance.paths import (
    ListedExposure,
    TraversalCut,
    cut_of,
    listed_exposure,
    prime,
)
from schema.core.access import ShownParty, Visibility
from schema.core.context import CtxInfo
from schema.core.entities import (
    CustomerRef,
    ListEntry,
    ProductRef,
    customer_of,
    list_entry_of,
    product_of,
)
from schema.core.errors import NotFoundError
from schema.core.loaders import PRODUCTS


@strawberry.enum(description="An access check's verdict")
class AccessVerdict(StrEnum):
    ALLOWED = "ALLOWED"
    DENIED = "DENIED"


strawberry.enum(ReasonCode, name="AccessReasonCode", description="Why access is denied")


@strawberry.type(description="One reason a customer may not buy a product, with its evidence.")
class AccessReason:
    code: ReasonCode
    message: str
    entry: ListEntry | None = strawberry.field(description="LISTED: the entry in force.")
    exposure: ListedExposure | None = strawberry.field(
        description="EXPOSED: the listed party within reach, with its paths."
    )
    required_list: str | None = strawberry.field(
        description="NOT_ON_ACCESS_LIST: the access list (准入名单) the product's type requires."
    )
    customer_risk_tolerance: model.RiskLevel | None = strawberry.field(
        description="RISK_TOLERANCE_BELOW_RATING: the customer's tolerance (null: none on record)."
    )
    product_risk_rating: model.RiskLevel | None


def _message(reason: Reason) -> str:
    if reason.code is ReasonCode.LISTED and reason.entry is not None:
        return f"the customer is on {reason.entry.list_name} (entry {reason.entry.id})"
    if reason.code is ReasonCode.EXPOSED and reason.exposure is not None:
        return (
            f"listed party {reason.exposure.party_id} is {reason.exposure.hops} hop(s) from the "
            "customer"
        )
    if reason.code is ReasonCode.NOT_ON_ACCESS_LIST:
        return f"the product's type requires {reason.required_list}; the customer is not on it"
    tolerance = reason.risk_tolerance or "none on record"
    return f"risk tolerance {tolerance} is below the product's rating {reason.risk_rating}"


def _reason(
    reason: Reason, parties: dict[str, PartyRecord], visibility: Visibility
) -> AccessReason:
    return AccessReason(
        code=reason.code,
        message=_message(reason),
        entry=list_entry_of(reason.entry) if reason.entry else None,
        exposure=listed_exposure(reason.exposure, parties, visibility) if reason.exposure else None,
        required_list=reason.required_list,
        customer_risk_tolerance=model.RiskLevel(reason.risk_tolerance)
        if reason.risk_tolerance
        else None,
        product_risk_rating=model.RiskLevel(reason.risk_rating) if reason.risk_rating else None,
    )


@strawberry.type(description="Whether a customer may buy a product (准入), and why not.")
class AccessDecision:
    verdict: AccessVerdict
    checked_on: dt.date
    exposure_hops: int = strawberry.field(
        description="Exposure within this many hops denies a product of this rating (0: "
        "exposure does not count for it)."
    )
    reasons: list[AccessReason] = strawberry.field(description="Empty when ALLOWED.")
    partial: bool = strawberry.field(
        description="The exposure search did not cross some party with too many ties: `cuts`."
    )
    cuts: list[TraversalCut]
    shown: strawberry.Private[ShownParty]
    product_record: strawberry.Private[ProductRecord]

    @strawberry.field
    def customer(self) -> CustomerRef:
        return customer_of(self.shown)

    @strawberry.field
    def product(self) -> ProductRef:
        return product_of(self.product_record)


async def access_check(info: CtxInfo, customer_id: str, product_id: str) -> AccessDecision:
    info.context.caller.require_compliance()
    product = await info.context.loaders[PRODUCTS].load(product_id)
    if product is None:
        raise NotFoundError("product", product_id)
    rules = info.context.services.get(ComplianceRules)
    today = info.context.today
    decision = await admission.check(
        exposure.reader(info.context.db), customer_id, product, rules, today
    )
    if decision is None or not decision.customer.is_customer:
        raise NotFoundError("customer", customer_id)
    visibility = info.context.visibility
    shown = visibility.require(decision.customer)
    prime(info, decision.parties.values())
    answer = AccessDecision(
        verdict=AccessVerdict.ALLOWED if decision.allowed else AccessVerdict.DENIED,
        checked_on=today,
        exposure_hops=decision.exposure_hops,
        reasons=[_reason(r, decision.parties, visibility) for r in decision.reasons],
        partial=bool(decision.cuts),
        cuts=[cut_of(c) for c in decision.cuts],
        shown=shown,
        product_record=product,
    )
    params = {"productId": product_id, "verdict": answer.verdict}
    await record_look(info, "accessCheck", customer_id, params, len(answer.reasons))
    return answer
