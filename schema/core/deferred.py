"""Resolvers that answer synchronously when their data is at hand, and fetch it otherwise.

A resolver that returns an awaitable is awaited by graphql-core, so one synchronous resolver can
serve both cases. The synchronous case matters: a field that awaits nothing needs no task, no
future and no gather, and a customer 360 built from data fetched with the customer then completes
without a single await.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar, cast

R = TypeVar("R")
T = TypeVar("T")


def now_or_later(ready: R | None, fetch: Callable[[], Awaitable[R]], build: Callable[[R], T]) -> T:
    """`build(ready)` when `ready` is not None; otherwise an awaitable of `build(await fetch())`,
    typed as `T` because graphql-core awaits it where the resolver's value is expected."""
    if ready is not None:
        return build(ready)
    return cast(T, _later(fetch, build))


async def _later(fetch: Callable[[], Awaitable[R]], build: Callable[[R], T]) -> T:
    return build(await fetch())
