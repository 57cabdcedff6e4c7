"""Per-request context: the caller (resolved before any resolver runs) and the request's loaders.

Every nested list is fetched through a DataLoader, so a page of 5 or of 100 customers costs the
same number of Cypher statements: one per relation selected, batched across all parents. Each
area declares its loaders as module-level `BatchLoad`s; a request makes a DataLoader of a kind on
its first use (`info.context.loaders[HOLDERS]`), so adding an area's loader touches only the area.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext
from strawberry.types import Info

from graph.db import Database
from graph.opportunities import OpportunityPolicy
from schema.core.access import Caller, Visibility

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
P = TypeVar("P", bound=Hashable)

MAX_BATCH_SIZE = 1000


@dataclass(frozen=True, slots=True)
class LoaderEnv:
    """What a batch function may use: the database, the request's date and the caller's
    visibility. Not the Context itself: a loader holding the Context would make a reference cycle
    that keeps every request's records alive until the cyclic GC finds them."""

    db: Database
    today: dt.date
    visibility: Visibility


class BatchLoad(Generic[K, V]):
    """One kind of per-request DataLoader: `fetch(env, keys)` answers a batch of keys in order.
    Compared by identity, so each module-level instance is its own kind."""

    __slots__ = ("fetch", "name")

    def __init__(
        self, name: str, fetch: Callable[[LoaderEnv, list[K]], Awaitable[Sequence[V]]]
    ) -> None:
        self.name = name
        self.fetch = fetch

    def __repr__(self) -> str:
        return f"BatchLoad({self.name})"


@dataclass(frozen=True, slots=True)
class ParamKey(Generic[P]):
    """A parent id plus one extra argument (a limit, a set of detail parts) for loaders that need
    one; keys sharing the argument are fetched together."""

    id: str
    param: P


def by_param(
    fetch: Callable[[LoaderEnv, list[str], P], Awaitable[Sequence[V]]],
) -> Callable[[LoaderEnv, list[ParamKey[P]]], Awaitable[list[V]]]:
    """A batch function over ParamKeys from one over ids and a parameter: keys that share a
    parameter (usually the whole batch) go in one call."""

    async def load(env: LoaderEnv, keys: list[ParamKey[P]]) -> list[V]:
        groups: dict[P, list[int]] = defaultdict(list)
        for index, key in enumerate(keys):
            groups[key.param].append(index)
        results: list[Any] = [None] * len(keys)
        for param, indexes in groups.items():
            fetched = await fetch(env, [keys[i].id for i in indexes], param)
            for i, value in zip(indexes, fetched, strict=True):
                results[i] = value
        return results

    return load


class SharedLoader(DataLoader[K, V]):
    """A DataLoader whose loads can be cancelled one by one. Fields asking for one key await one
    future; when graphql-core cancels a failed field's siblings (its gather cancels the rest),
    cancelling a task cancels the future it awaits, and another field awaiting that same future
    got a CancelledError that no error handling catches: a 500 without a body. Each load here is
    shielded, so cancelling one field leaves the shared future to the others."""

    def load(self, key: K) -> Awaitable[V]:
        return asyncio.shield(super().load(key))


class Loaders:
    """The request's DataLoaders, one per BatchLoad used, made on first use."""

    __slots__ = ("_env", "_made")

    def __init__(self, env: LoaderEnv) -> None:
        self._env = env
        self._made: dict[BatchLoad[Any, Any], SharedLoader[Any, Any]] = {}

    def __getitem__(self, kind: BatchLoad[K, V]) -> SharedLoader[K, V]:
        loader = self._made.get(kind)
        if loader is None:
            env, fetch = self._env, kind.fetch

            async def load(keys: list[K]) -> Sequence[V]:
                return await fetch(env, keys)

            loader = self._made[kind] = SharedLoader(load_fn=load, max_batch_size=MAX_BATCH_SIZE)
        return loader

    def clear(self) -> None:
        self._made.clear()


S = TypeVar("S")


class Services:
    """What the app gives areas beyond the database, one object per type: an area's rules, a
    ledger writer, an event feed. The app registers them (api/app.py); an area asks for its own
    by type (`info.context.services.get(ComplianceRules)`), so the core names no area's."""

    __slots__ = ("_by_type",)

    def __init__(self, *objects: object) -> None:
        self._by_type: dict[type, object] = {type(o): o for o in objects}

    def get(self, kind: type[S]) -> S:
        found = self._by_type.get(kind)
        if not isinstance(found, kind):
            raise LookupError(f"the app registered no {kind.__name__}")
        return found


NO_SERVICES = Services()


class Context(BaseContext):
    def __init__(
        self,
        db: Database,
        caller: Caller,
        today: dt.date | None = None,
        opportunity_policy: OpportunityPolicy | None = None,
        services: Services = NO_SERVICES,
    ) -> None:
        super().__init__()
        self.db = db
        self.caller = caller
        self.services = services
        self.today = today or dt.date.today()
        # Grades, expiry and the push-rule file (api/settings.py).
        self.opportunity_policy = opportunity_policy or OpportunityPolicy()
        self.loaders = Loaders(LoaderEnv(db, self.today, caller.visibility))

    @property
    def visibility(self) -> Visibility:
        return self.caller.visibility

    def release(self) -> None:
        """Drops the loaders, and with them every record the request loaded, once the response is
        built (api/app.py). graphql-core's executor sits in a reference cycle that holds this
        context until the cyclic GC runs: without this, every record would wait for it too and
        age into the GC's costly older generations."""
        self.loaders.clear()


CtxInfo = Info[Context, None]
