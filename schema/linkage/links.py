"""What the linkage views share: the tie path of a link, shown only when the caller may see every
party on it, and exact fractions as decimals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import strawberry

from graph import model
from graph.linkage import LinkStep as LinkStepRecord
from graph.records import PartyRecord
from schema.core.access import ShownParty, Visibility
from schema.core.entities import PartyRef, party_of


def fraction(value: Decimal | None) -> Decimal | None:
    """A share as the decimal it is, without the trailing zeros products of shares gather
    (0.5873 × 1.0 is 0.58730)."""
    if value is None:
        return None
    normalized = value.normalize()
    exponent = normalized.as_tuple().exponent
    return (
        normalized.quantize(Decimal(1))
        if isinstance(exponent, int) and exponent > 0
        else normalized
    )


@strawberry.type(
    description="A tie on the path of a link, as recorded: fromParty OWNS / EXECUTIVE_OF / "
    "LEGAL_REP_OF / EMPLOYED_BY toParty."
)
class LinkStep:
    type: model.LinkType
    share: Decimal | None = strawberry.field(description="The stake, for OWNS (a fraction).")
    title: str | None = strawberry.field(description="The executive title, for EXECUTIVE_OF.")
    source: strawberry.Private[ShownParty]
    target: strawberry.Private[ShownParty]

    @strawberry.field
    def from_party(self) -> PartyRef:
        return party_of(self.source)

    @strawberry.field
    def to_party(self) -> PartyRef:
        return party_of(self.target)


def shown_path(
    steps: Sequence[LinkStepRecord],
    parties: Mapping[str, PartyRecord | None],
    visibility: Visibility,
) -> list[LinkStep] | None:
    """The path's steps, or None when a party on it is unknown or one the caller may not see: a
    path is shown whole or not at all."""
    shown: dict[str, ShownParty] = {}
    for step in steps:
        for party_id in (step.from_id, step.to_id):
            record = parties.get(party_id)
            visible = visibility.shown(record) if record is not None else None
            if visible is None:
                return None
            shown[party_id] = visible
    return [
        LinkStep(
            type=model.LinkType(step.type),
            share=fraction(step.share),
            title=step.title,
            source=shown[step.from_id],
            target=shown[step.to_id],
        )
        for step in steps
    ]
