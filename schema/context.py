"""Per-request context: the caller, their branch scope, and one DataLoader per relation.

Every nested list is fetched through a loader, so a page of 5 or of 100 customers costs the same
number of Cypher statements: one per relation selected, batched across all parents.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from graph import org, parties, products
from graph.db import Database
from graph.parties import PageKey
from graph.records import EmployeeRecord, PartyRecord, SegmentCount
from schema.access import Principal, visible
from schema.errors import UnauthenticatedError

K = TypeVar("K", bound=Hashable)
P = TypeVar("P", bound=Hashable)
R = TypeVar("R")

ScopeResolver = Callable[[Principal], Awaitable[tuple[EmployeeRecord, list[str] | None]]]


@dataclass(frozen=True, slots=True)
class ParamKey:
    """A parent id plus one extra argument (a limit, a type filter) for loaders that need one."""

    id: str
    param: Hashable


def _by_param(
    fetch: Callable[[list[str], Any], Awaitable[list[R]]],
) -> Callable[[list[ParamKey]], Awaitable[list[R]]]:
    """Batches keys that share a parameter into one call, usually the whole batch."""

    async def load(keys: list[ParamKey]) -> list[R]:
        groups: dict[Hashable, list[int]] = defaultdict(list)
        for index, key in enumerate(keys):
            groups[key.param].append(index)
        results: list[R | None] = [None] * len(keys)
        for param, indexes in groups.items():
            fetched = await fetch([keys[i].id for i in indexes], param)
            for i, value in zip(indexes, fetched, strict=True):
                results[i] = value
        return results  # type: ignore[return-value]

    return load


def _loader(fn: Callable[[list[Any]], Awaitable[Sequence[Any]]]) -> DataLoader[Any, Any]:
    return DataLoader(load_fn=fn, max_batch_size=1000)


class Loaders:
    """The request's loaders, each made on first use: a request uses two or three of them, and
    making all twelve was a few microseconds of every request. Each load function closes over the
    database, not over this object, so that no loader holds a reference cycle."""

    def __init__(
        self, db: Database, today: dt.date, scope_getter: Callable[[], Awaitable[list[str] | None]]
    ) -> None:
        self._db = db
        self._today = today
        self._scope_getter = scope_getter

    def _by_ids(
        self, fetch: Callable[[Database, list[Any]], Awaitable[Sequence[Any]]]
    ) -> DataLoader[Any, Any]:
        db = self._db
        return _loader(lambda ids: fetch(db, ids))

    @cached_property
    def party(self) -> DataLoader[Any, Any]:
        return self._by_ids(parties.parties_by_ids)

    @cached_property
    def product(self) -> DataLoader[Any, Any]:
        return self._by_ids(products.products_by_ids)

    @cached_property
    def branch(self) -> DataLoader[Any, Any]:
        return self._by_ids(org.branches_by_ids)

    @cached_property
    def employee(self) -> DataLoader[Any, Any]:
        return self._by_ids(org.employees_by_ids)

    @cached_property
    def details(self) -> DataLoader[Any, Any]:
        db, today = self._db, self._today
        return _loader(_by_param(lambda ids, parts: parties.party_details(db, ids, parts, today)))

    @cached_property
    def list_entries(self) -> DataLoader[Any, Any]:
        return self._by_ids(parties.list_entries_by_parties)

    @cached_property
    def issuer(self) -> DataLoader[Any, Any]:
        return self._by_ids(products.issuers_by_products)

    @cached_property
    def underwriters(self) -> DataLoader[Any, Any]:
        return self._by_ids(products.underwriters_by_products)

    @cached_property
    def holders(self) -> DataLoader[Any, Any]:
        db, scope_getter = self._db, self._scope_getter

        async def holders(keys: list[PageKey]) -> list[products.HolderPage]:
            return await products.holders_pages(db, keys, await scope_getter())

        return _loader(holders)

    @cached_property
    def holder_segments(self) -> DataLoader[Any, Any]:
        db, scope_getter = self._db, self._scope_getter

        async def holder_segments(ids: list[str]) -> list[list[SegmentCount]]:
            return await products.holder_segments_by_products(db, ids, await scope_getter())

        return _loader(holder_segments)

    @cached_property
    def branch_children(self) -> DataLoader[Any, Any]:
        return self._by_ids(org.branch_children)

    @cached_property
    def branch_employees(self) -> DataLoader[Any, Any]:
        db = self._db
        return _loader(_by_param(lambda ids, limit: org.employees_by_branches(db, ids, limit)))


class _CallerScope:
    """The caller's employee record and branch scope, looked up once per request. Its own object
    (not a Context method) so that the loaders can use it without a Context ↔ Loaders reference
    cycle, which kept every request's records alive until the cyclic GC found them."""

    def __init__(self, principal: Principal, resolve_scope: ScopeResolver) -> None:
        self._principal = principal
        self._resolve_scope = resolve_scope
        self._resolved: tuple[EmployeeRecord, list[str] | None] | None = None

    async def resolve(self) -> tuple[EmployeeRecord, list[str] | None]:
        if self._resolved is None:
            self._resolved = await self._resolve_scope(self._principal)
        return self._resolved

    async def branches(self) -> list[str] | None:
        return (await self.resolve())[1]


class Context(BaseContext):
    def __init__(
        self,
        db: Database,
        principal: Principal,
        resolve_scope: ScopeResolver,
        today: dt.date | None = None,
    ) -> None:
        super().__init__()
        self.db = db
        self.principal = principal
        self.today = today or dt.date.today()
        self._caller = _CallerScope(principal, resolve_scope)
        self.loaders = Loaders(db, self.today, self._caller.branches)

    async def me(self) -> EmployeeRecord:
        return (await self._caller.resolve())[0]

    async def scope(self) -> list[str] | None:
        """Branch ids whose customers the caller may see; None means all of them."""
        return await self._caller.branches()

    def release(self) -> None:
        """Drops the loaders, and with them every record the request loaded, once the response is
        built (api/app.py). graphql-core's executor sits in a reference cycle that holds this
        context until the cyclic GC runs: without this, every record would wait for it too and
        age into the GC's costly older generations."""
        del self.loaders

    async def can_see(self, party: PartyRecord) -> bool:
        return visible(party, await self.scope())

    async def visible_only(
        self, items: Sequence[R], party_of: Callable[[R], PartyRecord]
    ) -> list[R]:
        scope = await self.scope()
        return [item for item in items if visible(party_of(item), scope)]


__all__ = ["Context", "Loaders", "ParamKey", "UnauthenticatedError"]
