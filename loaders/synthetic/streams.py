"""A writer of the synthetic bank: its own random stream, its own files and its own ids.

The world is one writer and every planted structure another. Each stream is derived from the seed
and the writer's name alone, so no writer's draws depend on what any other writer drew, or on
which other writers exist.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from random import Random

from loaders.synthetic.ids import IdSpace
from loaders.synthetic.sink import Sink, Tables

WORLD = "world"


def derive_random(seed: int, name: str) -> Random:
    """The same seed and name give the same draws, in any process (no `hash()`, no clock)."""
    digest = hashlib.sha256(f"{seed}:{name}".encode()).digest()
    return Random(int.from_bytes(digest, "big"))


@dataclass(frozen=True)
class Stream:
    name: str
    rng: Random
    tables: Tables
    ids: IdSpace

    @classmethod
    def world(cls, seed: int, sink: Sink, customer_persons: int, customer_companies: int) -> Stream:
        return cls(
            WORLD,
            derive_random(seed, WORLD),
            Tables(sink, None),
            IdSpace.world(customer_persons, customer_companies),
        )

    @classmethod
    def planted(cls, name: str, seed: int, sink: Sink) -> Stream:
        return cls(
            name, derive_random(seed, f"planted/{name}"), Tables(sink, name), IdSpace.planted(name)
        )
