"""The planted structures: shapes in the data that later features must rediscover exactly.

Each is one module with one `Structure` subclass and one line in `REGISTRY`. To add one, write
the module (its `plant()` makes its parties, writes its rows and its ground truth) and register
it: the world and every other structure are untouched, so the files they write stay
byte-identical (tests/test_synthetic_registry.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from loaders.plan import PART_LABEL
from loaders.synthetic.ids import planted_block
from loaders.synthetic.planted.base import PlantedEdge, Structure
from loaders.synthetic.planted.blacklist_clusters import BlacklistClusters
from loaders.synthetic.planted.group_trees import GroupTrees
from loaders.synthetic.planted.ownership_cycles import OwnershipCycles

__all__ = ["REGISTRY", "PlantedEdge", "Structure", "check_registry"]

REGISTRY: dict[str, type[Structure]] = {
    "blacklist_clusters": BlacklistClusters,
    "group_trees": GroupTrees,
    "ownership_cycles": OwnershipCycles,
}
"""Name → structure. The name labels its files (`owns.<name>.csv`), and seeds its random stream
and its id block, so renaming a structure changes its files."""


def check_registry(registry: Mapping[str, type[Structure]]) -> None:
    """Every name is a file part label, and no two structures share an id block."""
    blocks: dict[int, str] = {}
    for name in registry:
        if not PART_LABEL.fullmatch(name):
            raise ValueError(f"planted structure {name!r}: use letters, digits, '_' and '-'")
        block = planted_block(name)
        if block in blocks:
            raise ValueError(
                f"planted structures {blocks[block]!r} and {name!r} would share id block "
                f"{block}; name one differently"
            )
        blocks[block] = name
