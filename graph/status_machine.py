"""One rule for every status machine (opportunities, referrals): a table of actions, each a
transition from some statuses to one, allowed to some kinds of actor."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

S = TypeVar("S")  # a status
A = TypeVar("A")  # what the one acting is to the item


class Verdict(StrEnum):
    ALLOWED = "ALLOWED"
    ACTOR_REFUSED = "ACTOR_REFUSED"  # the one acting may not take this action on it
    ILLEGAL = "ILLEGAL"  # its status cannot change that way


@dataclass(frozen=True, slots=True)
class Transition(Generic[S, A]):
    sources: frozenset[S]
    target: S
    actors: frozenset[A]

    def judge(self, status: S, actors: Iterable[A]) -> Verdict:
        """The actor is checked first: someone with no say learns nothing of the status."""
        if not self.actors & set(actors):
            return Verdict.ACTOR_REFUSED
        if status not in self.sources:
            return Verdict.ILLEGAL
        return Verdict.ALLOWED
