"""Running a hook in the stream's own task, so that one that need not wait costs nothing more.

Most hooks never wait (``tool_rules`` judges a command in microseconds); some do (a judge
asks an LLM). A stream must not go silent while one waits: it sends keepalives, so the hook
cannot simply be awaited. Giving each hook a task of its own costs a task and two turns of
the event loop even when it never waits. :func:`eagerly` runs the hook's coroutine step by
step in the current task (as Python 3.12's eager tasks start theirs): a hook that finishes
at its first step is done at once; one that waits is waited for here, with a word to the
caller each time it starts waiting and each ``interval`` it goes on waiting.

The hook stays in the current task throughout, so ``asyncio.timeout`` inside it (the chain's
guard) cancels this task and the cancellation is handed to the hook, as a task would.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Coroutine, Generator
from types import CoroutineType
from typing import Any, Generic, TypeVar, cast

__all__ = ["bounded", "eagerly", "first_step", "resumed"]

T = TypeVar("T")


async def eagerly(work: Coroutine[Any, Any, None], interval: float) -> AsyncIterator[bool]:
    """Run ``work`` to its end in this task. Yields ``False`` when it is about to wait (what
    the caller has gathered should go out now), then ``True`` after each ``interval``
    seconds that it is still waiting (time for a keepalive). Raises what ``work`` raises."""
    error: BaseException | None = None
    try:
        while True:
            try:
                awaited = work.send(None) if error is None else work.throw(error)
            except StopIteration:
                return
            error = None
            yield False
            if awaited is None:  # a bare yield (asyncio.sleep(0)): let the loop turn once
                try:
                    await asyncio.sleep(0)
                except BaseException as exc:  # cancelled: the hook is told, as a task would be
                    error = exc
                continue
            awaited._asyncio_future_blocking = False
            while True:
                try:
                    done, _ = await asyncio.wait({awaited}, timeout=interval)
                except BaseException as exc:  # cancelled: the hook is told, as a task would be
                    awaited.cancel()
                    error = exc
                    break
                if done:
                    break
                yield True
    finally:
        work.close()  # when the caller stops early: nothing is left running


def first_step(work: Coroutine[Any, Any, Any]) -> tuple[bool, Any]:
    """Drive ``work`` one step by hand, from code that cannot wait: ``(True, what it
    returned)`` when it finished there, as most hooks do; else ``(False, what it awaits)``,
    for :func:`resumed` to go on from."""
    try:
        return False, work.send(None)
    except StopIteration as done:
        return True, done.value


def bounded(work: Coroutine[Any, Any, None], timeout_s: float) -> Awaitable[None] | None:
    """Start ``work``, to be awaited within ``timeout_s`` seconds (as under
    ``asyncio.timeout``): ``None`` when it finished at its first step, as most hooks do
    (then it cost no timer, nor a coroutine of its own: a timer is a heap entry and a
    cancelled handle per call); else the rest of it to await, the timer set only then.
    Raises what ``work`` raises at its first step."""
    if type(work) is not CoroutineType:  # an awaitable of another kind: awaited as such
        return _within(work, timeout_s)
    finished, awaited = first_step(work)
    return None if finished else _within(_Rest(work, awaited), timeout_s)


async def _within(work: Awaitable[None], timeout_s: float) -> None:
    """``work`` awaited within ``timeout_s`` seconds."""
    async with asyncio.timeout(timeout_s):
        await work


async def resumed(work: Coroutine[Any, Any, T], awaited: Any) -> T:
    """``work``, which has yielded ``awaited`` at a step its caller drove (a hook tried at
    once, from code that cannot wait, that turned out to wait), awaited on from there:
    what it returns."""
    return await _Rest(work, awaited)


class _Rest(Generic[T]):
    """The rest of ``work``, which has yielded ``awaited`` at its first step: awaiting it
    drives ``work`` on as awaiting ``work`` itself would have."""

    __slots__ = ("_awaited", "_work")

    def __init__(self, work: Coroutine[Any, Any, T], awaited: Any) -> None:
        self._work, self._awaited = work, awaited

    def __await__(self) -> Generator[Any, Any, T]:
        work, awaited = self._work, self._awaited
        while True:
            try:
                sent = yield awaited
            except BaseException as exc:  # cancelled (the timeout): the hook is told
                try:
                    awaited = work.throw(exc)
                except StopIteration as done:
                    return cast(T, done.value)
            else:
                try:
                    awaited = work.send(sent)
                except StopIteration as done:
                    return cast(T, done.value)
