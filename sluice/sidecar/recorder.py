"""The one entry point the data path records through: a bounded queue and one batched writer.

``Recorder.record(item)`` never waits and never fails: the item joins a bounded queue, and a
single background task writes batches to the sink (the event store). When the sink is down
or slow, items wait in the queue while the writer retries with exponential backoff; when
the queue is full, the oldest items are dropped, counted in :attr:`Recorder.dropped`, and
reported in the log, never silently. :meth:`Recorder.aclose` flushes what is queued (within
a deadline) on shutdown::

    recorder = Recorder(store.write, capacity=10_000)
    recorder.start()
    recorder.record(record)          # on the data path: O(1), no await
    ...
    await recorder.aclose(timeout=5)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from sluice.sidecar.metrics import QueueMetrics

__all__ = ["Recorder"]

log = logging.getLogger(__name__)

T = TypeVar("T")
Sink = Callable[[Sequence[T]], Awaitable[None]]


class Recorder(Generic[T]):
    """A bounded queue in front of a batch-writing ``sink`` (see the module docstring).

    ``capacity`` bounds the queue; the batch being written (at most ``batch_size`` items)
    is held apart from it until the write succeeds or fails.
    """

    def __init__(
        self,
        sink: Sink[T],
        *,
        capacity: int = 10_000,
        batch_size: int = 500,
        linger_s: float = 0.05,
        backoff_s: tuple[float, float] = (0.1, 10.0),
        metrics: QueueMetrics | None = None,
    ) -> None:
        if capacity < 1 or batch_size < 1:
            raise ValueError("capacity and batch_size must be at least 1")
        self._sink = sink
        self._queue: deque[T] = deque()
        self._capacity = capacity
        self._batch_size = batch_size
        self._linger_s = linger_s
        self._backoff = backoff_s
        self._wake = asyncio.Event()
        self._flush = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self.dropped = 0  # items lost to a full queue, since start
        self.written = 0
        self.failures = 0  # failed batch writes (each retried)
        self._dropped_reported = 0
        self._last_report = 0.0
        self._metrics = metrics

    @property
    def depth(self) -> int:
        """Items waiting to be written."""
        return len(self._queue)

    def start(self) -> None:
        """Start the writer task (call from within the event loop)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="recorder")

    def record(self, item: T) -> None:
        """Queue ``item`` for writing; drops the oldest item if the queue is full."""
        if len(self._queue) >= self._capacity:
            self._queue.popleft()
            self._drop(1)
        self._queue.append(item)
        self._wake.set()

    def _drop(self, count: int) -> None:
        self.dropped += count
        if self._metrics is not None:
            self._metrics.dropped(count)
        self._report_drops()

    def _report_drops(self) -> None:
        now = time.monotonic()
        if now - self._last_report >= 10:  # a log line per ten seconds of trouble, not per item
            log.error(
                "event log queue full (%d items): dropped %d events (%d in total)",
                self._capacity,
                self.dropped - self._dropped_reported,
                self.dropped,
            )
            self._dropped_reported = self.dropped
            self._last_report = now

    async def _run(self) -> None:
        delay = self._backoff[0]
        while True:
            if not self._queue:
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                if len(self._queue) < self._batch_size and not self._closing:
                    # Let a batch gather, unless shutdown asks for a flush now.
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._flush.wait(), self._linger_s)
            queue = self._queue
            batch = [queue.popleft() for _ in range(min(self._batch_size, len(queue)))]
            if self._metrics is not None:  # per batch, not per item: a gauge write is a lock
                self._metrics.queued(len(queue) + len(batch))
            started = time.monotonic()
            try:
                await self._sink(batch)
            except Exception as exc:  # the store is down or refused the batch: retry it
                self.failures += 1
                if self._metrics is not None:
                    self._metrics.failed()
                self._put_back(batch)
                log.warning("event log write failed (%r); retrying in %.1fs", exc, delay)
                if self._closing:
                    return
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._backoff[1])
                continue
            delay = self._backoff[0]
            self.written += len(batch)
            if self._metrics is not None:
                self._metrics.written(len(batch), time.monotonic() - started)
                self._metrics.queued(len(queue))

    def _put_back(self, batch: list[T]) -> None:
        """Return a failed batch to the front of the queue; if newer items filled it in the
        meantime, the batch's oldest items are the ones dropped."""
        room = max(0, self._capacity - len(self._queue))
        keep = batch[len(batch) - room :] if room < len(batch) else batch
        if len(keep) < len(batch):
            self._drop(len(batch) - len(keep))
        self._queue.extendleft(reversed(keep))

    async def aclose(self, timeout: float = 5.0) -> None:
        """Flush what is queued, then stop; gives up (and says so) after ``timeout``."""
        self._closing = True
        self._wake.set()
        self._flush.set()
        if self._task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout)
        except TimeoutError:
            self._task.cancel()
            log.error("event log: %d events not written at shutdown", len(self._queue))
