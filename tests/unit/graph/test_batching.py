"""The group-commit batcher: items arriving during a batch go together in the next, each caller
gets its own answer, and an exception reaches only the callers it belongs to."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from graph.batching import Batcher


def run_async(test: Callable[[], Coroutine[Any, Any, None]]) -> Callable[[], None]:
    @functools.wraps(test)
    def sync() -> None:
        asyncio.run(test())

    return sync


class Recorder:
    """A run_batch that remembers its batches and takes a turn of the loop, as a commit would."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []

    async def run(self, items: list[int]) -> list[int | BaseException]:
        self.batches.append(items)
        await asyncio.sleep(0.01)
        return [ValueError(f"odd {i}") if i % 2 else i * 10 for i in items]


@run_async
async def test_an_idle_batcher_runs_an_item_at_once() -> None:
    recorder = Recorder()
    batcher = Batcher(recorder.run)
    assert await batcher.submit(2) == 20
    assert recorder.batches == [[2]]


@run_async
async def test_items_arriving_during_a_batch_go_together_in_the_next() -> None:
    recorder = Recorder()
    batcher = Batcher(recorder.run)
    first = asyncio.create_task(batcher.submit(0))
    await asyncio.sleep(0)  # the first batch is under way
    rest = [asyncio.create_task(batcher.submit(i)) for i in (2, 4, 6)]
    assert await asyncio.gather(first, *rest) == [0, 20, 40, 60]
    assert recorder.batches == [[0], [2, 4, 6]]


@run_async
async def test_max_batch_splits_a_long_queue() -> None:
    recorder = Recorder()
    batcher = Batcher(recorder.run, max_batch=2)
    answers = await asyncio.gather(*(batcher.submit(i) for i in (0, 2, 4, 6, 8)))
    assert answers == [0, 20, 40, 60, 80]
    assert recorder.batches == [[0, 2], [4, 6], [8]]


@run_async
async def test_an_item_s_exception_is_its_caller_s_alone() -> None:
    batcher = Batcher(Recorder().run)
    answers = await asyncio.gather(*(batcher.submit(i) for i in (2, 3, 4)), return_exceptions=True)
    assert answers[0] == 20 and answers[2] == 40
    assert isinstance(answers[1], ValueError) and str(answers[1]) == "odd 3"


@run_async
async def test_a_batch_that_raises_answers_every_caller_and_the_next_batch_runs() -> None:
    calls = 0

    async def run(items: list[int]) -> list[int | BaseException]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("connection lost")
        return list(items)

    batcher = Batcher(run)
    answers = await asyncio.gather(*(batcher.submit(i) for i in (1, 2)), return_exceptions=True)
    assert all(isinstance(a, RuntimeError) for a in answers)
    assert await batcher.submit(7) == 7


@run_async
async def test_cancelling_the_run_cancels_the_waiting_callers() -> None:
    started = asyncio.Event()

    async def run(items: list[int]) -> list[int | BaseException]:
        started.set()
        await asyncio.sleep(10)
        return list(items)

    batcher = Batcher(run)
    first = asyncio.create_task(batcher.submit(1))
    await started.wait()
    second = asyncio.create_task(batcher.submit(2))
    await asyncio.sleep(0)
    assert batcher._running is not None
    batcher._running.cancel()
    for task in (first, second):
        with pytest.raises(asyncio.CancelledError):
            await task


@run_async
async def test_under_load_a_smaller_batch_lingers_for_the_callers_of_the_one_before() -> None:
    recorder = Recorder()
    batcher = Batcher(recorder.run, linger=0.005)
    first = asyncio.create_task(batcher.submit(0))
    await asyncio.sleep(0)
    # Four arrive during the first batch and go together; two come back at once and two a
    # little later (within the linger), and all four go in one batch rather than two.
    assert await asyncio.gather(first, *(batcher.submit(i) for i in (2, 4, 6, 8))) == [
        0,
        20,
        40,
        60,
        80,
    ]

    async def later(i: int) -> int:
        await asyncio.sleep(0.001)
        return await batcher.submit(i)

    answers = await asyncio.gather(batcher.submit(10), batcher.submit(12), later(14), later(16))
    assert list(answers) == [100, 120, 140, 160]
    assert recorder.batches == [[0], [2, 4, 6, 8], [10, 12, 14, 16]]


@run_async
async def test_an_idle_batcher_does_not_linger() -> None:
    recorder = Recorder()
    batcher = Batcher(recorder.run, linger=10.0)
    assert await asyncio.wait_for(batcher.submit(2), timeout=1.0) == 20
    assert await asyncio.wait_for(batcher.submit(4), timeout=1.0) == 40
