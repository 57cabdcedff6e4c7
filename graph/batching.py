"""Group commit: what many concurrent callers submit runs in batches, one transaction a batch.

A write that must be serialised (an append to a hash-chained ledger holds the ledger head's lock
until it commits) allows one such transaction at a time, so under load the callers would queue
for it one commit each. A `Batcher` lets the items that arrive while a batch is being written go
together in the next one: one commit, one hold of the lock, many items; an idle batcher runs an
item at once. Each caller gets its own result back, or its own exception.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class Batcher(Generic[Item, Result]):
    """Runs `run_batch` on up to `max_batch` waiting items at a time, one batch after the other.
    `run_batch` answers each item with a result or an exception; an exception it raises itself
    is every item's answer.

    With `linger` (seconds), a batch that would be smaller than the one before waits that long
    for the rest: under steady load the callers of one batch come back together, and without
    the wait they would split into two batches taking turns, each paying a whole commit. An idle
    batcher (the batch before was a single item) never waits."""

    def __init__(
        self,
        run_batch: Callable[[list[Item]], Awaitable[Sequence[Result | BaseException]]],
        max_batch: int = 200,
        linger: float = 0.0,
    ) -> None:
        self._run_batch = run_batch
        self._max_batch = max_batch
        self._linger = linger
        self._last_size = 1
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._running: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._running is None or self._running.done():
            self._running = asyncio.create_task(self._run())
        return await future

    async def _run(self) -> None:
        while self._waiting:
            if self._linger and len(self._waiting) < min(self._last_size, self._max_batch):
                await asyncio.sleep(self._linger)
            batch = self._waiting[: self._max_batch]
            del self._waiting[: self._max_batch]
            self._last_size = len(batch)
            try:
                outcomes = await self._run_batch([item for item, _ in batch])
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
            except BaseException:
                # Cancelled (the app stops): nobody is left to run these; the callers learn so.
                for _, future in (*batch, *self._waiting):
                    future.cancel()
                raise
            else:
                for (_, future), outcome in zip(batch, outcomes, strict=True):
                    if future.done():
                        continue
                    if isinstance(outcome, BaseException):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
