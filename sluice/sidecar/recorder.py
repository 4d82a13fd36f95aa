"""The one entry point the data path records through: a bounded queue and one batched writer.

``Recorder.record(item)`` never waits and never fails: the item joins a bounded queue, and a
single background task writes batches to the sink (the event store). When the sink is down
or slow, items wait in the queue while the writer retries with exponential backoff; when
the queue is full (``capacity`` items, or ``max_bytes`` as measured by ``size``), the oldest
items are dropped, counted in :attr:`Recorder.dropped`, and reported in the log, never
silently. :meth:`Recorder.aclose` flushes what is queued (within a deadline) on shutdown::

    recorder = Recorder(store.write, capacity=10_000, max_bytes=128 << 20, size=len)

``item_limit`` is for producers: what each item should keep within (the event log cuts a
capture to ``store_capture_bytes``, see :class:`~sluice.sidecar.capturing.Capturing`).
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
Size = Callable[[T], int]


class Recorder(Generic[T]):
    """A bounded queue in front of a batch-writing ``sink`` (see the module docstring).

    ``capacity`` bounds the queue's items and ``max_bytes`` the sum of their ``size``
    (unbounded without both); an item larger than ``max_bytes`` on its own is dropped at
    once. The batch being written (at most ``batch_size`` items, and with ``max_bytes`` at
    most an eighth of it in bytes, or one item) is held apart from the queue until the
    write succeeds or fails: at most ``max_bytes`` and a batch are held in all.
    """

    def __init__(
        self,
        sink: Sink[T],
        *,
        capacity: int = 10_000,
        batch_size: int = 500,
        linger_s: float = 0.05,
        backoff_s: tuple[float, float] = (0.1, 10.0),
        max_bytes: int | None = None,
        size: Size[T] | None = None,
        item_limit: int | None = None,
        metrics: QueueMetrics | None = None,
    ) -> None:
        if capacity < 1 or batch_size < 1:
            raise ValueError("capacity and batch_size must be at least 1")
        if (max_bytes is None) != (size is None):
            raise ValueError("max_bytes and size go together")
        if max_bytes is not None and max_bytes < 1:
            raise ValueError("max_bytes must be at least 1")
        self._sink = sink
        self._queue: deque[tuple[T, int]] = deque()  # each item with its size
        self._capacity = capacity
        self._max_bytes = max_bytes
        self._size = size
        self._bytes = 0
        # Megabyte items make few per batch: parsing and sending hold a whole batch at once.
        self._batch_bytes = max(1, max_bytes // 8) if max_bytes is not None else 1 << 62
        # What producers keep each item within (the event log: ``store_capture_bytes``).
        self.item_limit = item_limit
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

    @property
    def bytes(self) -> int:
        """The size of the items waiting to be written (0 when sizes are not measured)."""
        return self._bytes

    def start(self) -> None:
        """Start the writer task (call from within the event loop)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="recorder")

    def record(self, item: T) -> None:
        """Queue ``item`` for writing; drops the oldest items while the queue is over a bound."""
        size = self._size(item) if self._size is not None else 0
        if self._max_bytes is not None and size > self._max_bytes:
            self._drop(1)  # could never fit: evicting the others for it would lose them too
            return
        self._queue.append((item, size))
        self._bytes += size
        self._trim()
        self._wake.set()

    def _full(self) -> bool:
        over_bytes = self._max_bytes is not None and self._bytes > self._max_bytes
        return len(self._queue) > self._capacity or over_bytes

    def _trim(self) -> None:
        """Drop the oldest items until the queue is within both bounds."""
        dropped = 0
        while self._queue and self._full():
            _, size = self._queue.popleft()
            self._bytes -= size
            dropped += 1
        if dropped:
            self._drop(dropped)

    def _drop(self, count: int) -> None:
        self.dropped += count
        if self._metrics is not None:
            self._metrics.dropped(count)
        self._report_drops()

    def _report_drops(self) -> None:
        now = time.monotonic()
        if now - self._last_report >= 10:  # a log line per ten seconds of trouble, not per item
            log.error(
                "event log queue full (%d items, %s bytes): dropped %d events (%d in total)",
                self._capacity,
                self._max_bytes or "unbounded",
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
            if not queue:  # woken to close, with nothing left
                continue
            sized: list[tuple[T, int]] = []
            held = 0
            while (
                queue and len(sized) < self._batch_size and (not sized or held < self._batch_bytes)
            ):
                item = queue.popleft()
                sized.append(item)
                held += item[1]
            self._bytes -= held
            batch = [item for item, _ in sized]
            if self._metrics is not None:  # per batch, not per item: a gauge write is a lock
                self._metrics.queued(len(queue) + len(batch), self._bytes + held)
            started = time.monotonic()
            try:
                await self._sink(batch)
            except Exception as exc:  # the store is down or refused the batch: retry it
                self.failures += 1
                if self._metrics is not None:
                    self._metrics.failed()
                self._put_back(sized)
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
                self._metrics.queued(len(queue), self._bytes)

    def _put_back(self, batch: list[tuple[T, int]]) -> None:
        """Return a failed batch to the front of the queue; if newer items filled it in the
        meantime, the batch's oldest items are the ones dropped."""
        self._queue.extendleft(reversed(batch))
        self._bytes += sum(size for _, size in batch)
        self._trim()

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
