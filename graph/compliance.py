"""The compliance rules the API and the command line share: the caps of exposure searches, the
hop count of screening and of re-screens, and what an access check (准入) requires per product.
api/settings.py builds them from the environment (README's configuration table)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from graph import model

# Product risk rating → hops within which exposure to a listed party denies access: the riskier
# the product, the wider the net.
DEFAULT_ACCESS_EXPOSURE_HOPS: Mapping[str, int] = {"R1": 1, "R2": 1, "R3": 2, "R4": 3, "R5": 3}
# Product type → the access list (准入名单) a buyer must be on: debt financing instruments are
# sold to qualified institutional investors only.
DEFAULT_ACCESS_REQUIRED_LISTS: Mapping[str, str] = {"DEBT_INSTRUMENT": "投资人准入名单"}


@dataclass(frozen=True)
class ComplianceRules:
    # A party with more ties than this is reached but not crossed by an exposure search.
    exposure_fanout_cap: int = 1000
    # The same for screening, which must not miss the customers around a listed supernode.
    screening_fanout_cap: int = 20_000
    # Shortest paths shown per listed party (all are counted).
    exposure_paths: int = 5
    # Hops of `relgraph screen` by default, and of re-screens before any screening run.
    screening_max_hops: int = 3
    access_exposure_hops: Mapping[str, int] = field(
        default_factory=lambda: dict(DEFAULT_ACCESS_EXPOSURE_HOPS)
    )
    access_required_lists: Mapping[str, str] = field(
        default_factory=lambda: dict(DEFAULT_ACCESS_REQUIRED_LISTS)
    )
    # How often the API looks for alerts other processes raised (a `relgraph load`).
    alert_poll_seconds: float = 1.0

    def __post_init__(self) -> None:
        ratings = {level.value for level in model.RiskLevel}
        if set(self.access_exposure_hops) != ratings:
            raise ValueError(f"access exposure hops must name each of {sorted(ratings)}")
        if not all(0 <= hops <= 6 for hops in self.access_exposure_hops.values()):
            raise ValueError("access exposure hops must be between 0 and 6")
        product_types = {t.value for t in model.ProductType}
        unknown = set(self.access_required_lists) - product_types
        if unknown:
            raise ValueError(f"access lists name unknown product types: {sorted(unknown)}")
