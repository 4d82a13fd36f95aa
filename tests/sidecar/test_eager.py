"""A hook run in the stream's own task: nothing more when it need not wait, a word to the
caller each time it starts waiting and each interval it goes on waiting."""

from __future__ import annotations

import asyncio

import pytest

from sluice.sidecar.eager import bounded, eagerly


async def test_work_that_never_waits_is_done_at_once() -> None:
    done = []

    async def work() -> None:
        done.append(asyncio.current_task())

    assert [word async for word in eagerly(work(), 5)] == []
    assert done == [asyncio.current_task()]  # in this task: no task of its own


async def test_waiting_work_says_so_then_each_interval() -> None:
    ready = asyncio.Event()

    async def work() -> None:
        await ready.wait()

    words = []
    async for word in eagerly(work(), 0.001):
        words.append(word)
        if words.count(True) == 2:
            ready.set()
    assert words[:3] == [False, True, True]


async def test_a_bare_yield_lets_the_loop_turn() -> None:
    async def work() -> None:
        await asyncio.sleep(0)

    assert [word async for word in eagerly(work(), 5)] == [False]


async def test_a_timeout_inside_the_work_cancels_what_it_waits_for() -> None:
    """The chain guards each hook with asyncio.timeout: it must end a hook run here as it
    ends one in a task of its own."""
    cancelled = []

    async def work() -> None:
        try:
            async with asyncio.timeout(0.01):
                await asyncio.sleep(10)
        except TimeoutError:
            cancelled.append(True)

    assert [word async for word in eagerly(work(), 5)] == [False]
    assert cancelled == [True]
    assert asyncio.current_task().cancelling() == 0  # type: ignore[union-attr]


async def test_what_the_work_raises_reaches_the_caller() -> None:
    async def work() -> None:
        await asyncio.sleep(0)
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        async for _ in eagerly(work(), 5):
            pass


async def test_a_caller_that_stops_early_ends_the_work() -> None:
    ended = []

    async def work() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            ended.append(True)

    words = eagerly(work(), 0.001)
    assert await anext(words) is False
    await words.aclose()
    assert ended == [True]


async def test_cancelling_the_task_reaches_the_work() -> None:
    seen = []

    async def work() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise

    async def run() -> None:
        async for _ in eagerly(work(), 5):
            pass

    task = asyncio.create_task(run())
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert seen == ["cancelled"]


async def test_bounded_work_that_never_waits_sets_no_timer() -> None:
    loop = asyncio.get_running_loop()
    done: list[str] = []

    async def work() -> None:
        done.append("judged")

    timers = len(loop._scheduled)  # type: ignore[attr-defined]
    assert bounded(work(), 0.5) is None  # done at once: nothing left to await
    assert done == ["judged"]
    assert len(loop._scheduled) == timers  # type: ignore[attr-defined]


async def test_bounded_work_that_waits_gets_what_it_awaited() -> None:
    async def work(out: list[str]) -> None:
        await asyncio.sleep(0.01)
        await asyncio.sleep(0)
        out.append(await asyncio.get_running_loop().run_in_executor(None, str, 42))

    out: list[str] = []
    rest = bounded(work(out), 5)
    assert rest is not None
    assert out == []  # it waits: the rest is to come
    await rest
    assert out == ["42"]


async def test_bounded_work_that_waits_too_long_is_cancelled_and_times_out() -> None:
    seen: list[str] = []

    async def work() -> None:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise

    rest = bounded(work(), 0.05)
    assert rest is not None
    with pytest.raises(TimeoutError):
        await rest
    assert seen == ["cancelled"]


async def test_what_bounded_work_raises_reaches_the_caller() -> None:
    async def first_step() -> None:
        raise ValueError("at once")

    async def later() -> None:
        await asyncio.sleep(0)
        raise ValueError("after waiting")

    with pytest.raises(ValueError, match="at once"):
        bounded(first_step(), 1)
    rest = bounded(later(), 1)
    assert rest is not None
    with pytest.raises(ValueError, match="after waiting"):
        await rest
