"""Cross-sell rules (config/crosssell.toml) and the peer groups they define.

A customer's peers (the "similar customers" of a suggestion) are the customers of the same segment
and peer group: a person's life stage, or OWNER when they own a majority of a company (企业主); a
company's kind: INSTITUTION (金融同业), LARGE or SME. The statistics job counts holdings per peer
group and the recommender scores with those counts, both through `peer_group`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator

from graph.model import ProductType, Segment
from graph.rules import CONFIG_DIR, RulesModel, load_rules

DEFAULT_CROSSSELL_RULES = CONFIG_DIR / "crosssell.toml"

Prior = Annotated[float, Field(ge=0, le=10_000)]


class PeerGroups(RulesModel):
    life_stages: Annotated[list[Annotated[int, Field(ge=1, le=120)]], Field(max_length=8)]
    owner_min_share: Annotated[float, Field(ge=0, lt=1)]

    @field_validator("life_stages")
    @classmethod
    def _ascending(cls, ages: list[int]) -> list[int]:
        if ages != sorted(set(ages)):
            raise ValueError("ages must be distinct and ascending")
        return ages


class Scoring(RulesModel):
    peer_prior: Prior
    co_holding_prior: Prior
    lift_weight: Annotated[float, Field(ge=0, le=5)]
    linked_party_weight: Annotated[float, Field(ge=0, le=5)]


class Reasons(RulesModel):
    min_co_holders: Annotated[int, Field(ge=1)]
    co_holding: Annotated[int, Field(ge=0, le=10)]
    linked_parties: Annotated[int, Field(ge=0, le=20)]
    linked_parties_read: Annotated[int, Field(ge=0, le=500)]


class Suppression(RulesModel):
    suitability_types: list[ProductType]


class CrossSellRules(RulesModel):
    version: Annotated[str, Field(min_length=1, max_length=40)]
    peer_groups: PeerGroups
    scoring: Scoring
    reasons: Reasons
    suppression: Suppression

    @classmethod
    def load(cls, path: Path = DEFAULT_CROSSSELL_RULES) -> CrossSellRules:
        return load_rules(path, cls)


@dataclass(frozen=True, slots=True)
class Profile:
    """What decides a customer's peer group."""

    party_type: str  # PERSON | COMPANY
    segment: str | None  # the computed segment, else the loaded one
    birth_date: dt.date | None = None
    size: str | None = None
    institution_type: str | None = None
    owner: bool = False  # a person owning a majority of a company


UNSEGMENTED = "UNSEGMENTED"
COMPANY_KINDS = ("INSTITUTION", "LARGE", "SME")
OWNER = "OWNER"
AGE_UNKNOWN = "AGE_UNKNOWN"


def peer_group(profile: Profile, today: dt.date, rules: PeerGroups) -> str:
    """`KEY:PERSON:35-59`, `POTENTIAL:COMPANY:SME`, …: segment, party type and stage or kind."""
    segment = profile.segment or UNSEGMENTED
    if profile.party_type == "COMPANY":
        kind = (
            COMPANY_KINDS[0]
            if profile.institution_type
            else COMPANY_KINDS[1]
            if profile.size == "LARGE"
            else COMPANY_KINDS[2]
        )
    elif profile.owner:
        kind = OWNER
    elif profile.birth_date is None:
        kind = AGE_UNKNOWN
    else:
        born = profile.birth_date
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        kind = next(
            (stage for stage, end in _life_stages(rules.life_stages) if end is None or age < end)
        )
    return f"{segment}:{profile.party_type}:{kind}"


def all_peer_groups(rules: PeerGroups) -> list[str]:
    """Every key `peer_group` can give."""
    persons = [stage for stage, _ in _life_stages(rules.life_stages)] + [OWNER, AGE_UNKNOWN]
    return [
        f"{segment}:{party_type}:{kind}"
        for segment in [*Segment, UNSEGMENTED]
        for party_type, kinds in (("PERSON", persons), ("COMPANY", COMPANY_KINDS))
        for kind in kinds
    ]


def _life_stages(starts: list[int]) -> list[tuple[str, int | None]]:
    """(label, the age the next stage starts at) per life stage: `0-34`, `35-59`, `60+`."""
    bounds = [0, *starts]
    return [(f"{low}-{high - 1}", high) for low, high in itertools.pairwise(bounds)] + [
        (f"{bounds[-1]}+", None)
    ]
