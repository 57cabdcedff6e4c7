"""Access checks (准入): whether a customer may buy a product, with every reason against it.

A customer is denied a product when any of these holds on the check's date, and every one that
holds is reported with its evidence:

- LISTED: the customer is on a prohibition list (the entries);
- EXPOSED: a listed party is within N hops, N set per product risk rating
  (ComplianceRules.access_exposure_hops; 0 turns the rule off for a rating) (the paths);
- NOT_ON_ACCESS_LIST: the product's type requires an access list (ComplianceRules.
  access_required_lists) and the customer has no entry on it in force (the list's name);
- RISK_TOLERANCE_BELOW_RATING: the customer's risk tolerance is below the product's risk rating
  (适当性), or the customer has none on record (the two ratings).

One exposure search from the customer (graph/exposure.py) answers the first two and brings the
customer's record and entries with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from graph import exposure
from graph.compliance import ComplianceRules
from graph.exposure import Cut, Reach, Read, Want
from graph.model import ListKind
from graph.records import ListEntryRecord, PartyRecord, ProductRecord


class ReasonCode(StrEnum):
    LISTED = "LISTED"
    EXPOSED = "EXPOSED"
    NOT_ON_ACCESS_LIST = "NOT_ON_ACCESS_LIST"
    RISK_TOLERANCE_BELOW_RATING = "RISK_TOLERANCE_BELOW_RATING"


@dataclass(frozen=True)
class Reason:
    code: ReasonCode
    entry: ListEntryRecord | None = None  # LISTED
    exposure: Reach | None = None  # EXPOSED: the listed party, its hops and paths
    required_list: str | None = None  # NOT_ON_ACCESS_LIST
    risk_tolerance: str | None = None  # RISK_TOLERANCE_BELOW_RATING
    risk_rating: str | None = None


@dataclass(frozen=True)
class Decision:
    customer: PartyRecord
    product: ProductRecord
    as_of: dt.date
    exposure_hops: int  # 0: exposure does not count for this product's rating
    reasons: list[Reason]
    parties: dict[str, PartyRecord] = field(default_factory=dict)  # on the exposure paths
    cuts: list[Cut] = field(default_factory=list)  # what the exposure search did not cross

    @property
    def allowed(self) -> bool:
        return not self.reasons


def _rating_rank(level: str | None) -> int:
    return int(level[1:]) if level else 0


async def check(
    read: Read,
    customer_id: str,
    product: ProductRecord,
    rules: ComplianceRules,
    as_of: dt.date,
) -> Decision | None:
    """The decision for `customer_id` and `product`, or None when there is no such party."""
    hops = rules.access_exposure_hops[product.risk_rating]
    searches = await exposure.search(
        read,
        [customer_id],
        max_hops=max(hops, 1),
        types=exposure.LINK_TYPES,
        as_of=as_of,
        cap=rules.exposure_fanout_cap,
        want=Want.LISTED,
        max_paths=rules.exposure_paths,
    )
    found = searches.get(customer_id)
    if found is None:
        return None
    customer = found.parties[customer_id]
    in_force = [e for e in found.start_entries if e.active_on(as_of)]
    reasons = [
        Reason(ReasonCode.LISTED, entry=e) for e in in_force if e.list == ListKind.PROHIBITION
    ]
    if hops > 0:
        reasons += [Reason(ReasonCode.EXPOSED, exposure=reach) for reach in found.found]
    required = rules.access_required_lists.get(product.type)
    if required is not None and not any(
        e.list == ListKind.ACCESS and e.list_name == required for e in in_force
    ):
        reasons.append(Reason(ReasonCode.NOT_ON_ACCESS_LIST, required_list=required))
    tolerance = customer.risk_tolerance
    if _rating_rank(tolerance) < _rating_rank(product.risk_rating):
        reasons.append(
            Reason(
                ReasonCode.RISK_TOLERANCE_BELOW_RATING,
                risk_tolerance=tolerance,
                risk_rating=product.risk_rating,
            )
        )
    return Decision(
        customer=customer,
        product=product,
        as_of=as_of,
        exposure_hops=hops,
        reasons=reasons,
        parties=found.parties,
        cuts=found.cuts if hops > 0 else [],
    )
