"""The rule files the API and the jobs read, loaded and validated together (graph/rules.py)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from graph.crosssell.rules import DEFAULT_CROSSSELL_RULES, CrossSellRules
from graph.segment_rules import DEFAULT_SEGMENT_RULES, SegmentRules


@dataclass(frozen=True)
class Rulebook:
    segments: SegmentRules
    crosssell: CrossSellRules

    @classmethod
    def load(
        cls,
        segments: Path = DEFAULT_SEGMENT_RULES,
        crosssell: Path = DEFAULT_CROSSSELL_RULES,
    ) -> Rulebook:
        """Raises RulesError naming the file and key when either file is unusable."""
        return cls(SegmentRules.load(segments), CrossSellRules.load(crosssell))


@cache
def default_rulebook() -> Rulebook:
    """The repository's own rule files (config/)."""
    return Rulebook.load()
