"""The recorder: never blocks the data path, batches, retries, drops the oldest, counts."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from sluice.sidecar.recorder import Recorder


class Sink:
    """A store stand-in that can be made to fail, and remembers what it received."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.down = False
        self.gate: asyncio.Event | None = None

    async def __call__(self, batch: Sequence[int]) -> None:
        if self.gate is not None:
            await self.gate.wait()
        if self.down:
            raise ConnectionError("store down")
        self.batches.append(list(batch))

    @property
    def items(self) -> list[int]:
        return [item for batch in self.batches for item in batch]


async def settle(recorder: Recorder[int]) -> None:
    for _ in range(200):
        if recorder.depth == 0:
            return
        await asyncio.sleep(0.01)


async def test_items_are_written_in_order_in_batches() -> None:
    sink = Sink()
    recorder = Recorder(sink, batch_size=10, linger_s=0.01)
    recorder.start()
    for i in range(35):
        recorder.record(i)
    await settle(recorder)
    await recorder.aclose()
    assert sink.items == list(range(35))
    assert all(len(batch) <= 10 for batch in sink.batches)
    assert recorder.written == 35


async def test_a_store_outage_loses_nothing_within_the_bound() -> None:
    sink = Sink()
    sink.down = True
    recorder = Recorder(sink, capacity=100, batch_size=10, linger_s=0, backoff_s=(0.01, 0.02))
    recorder.start()
    for i in range(50):
        recorder.record(i)
    await asyncio.sleep(0.1)
    assert recorder.failures > 0
    assert sink.items == []
    sink.down = False
    await settle(recorder)
    await recorder.aclose()
    assert sink.items == list(range(50))
    assert recorder.dropped == 0


async def test_beyond_the_bound_the_oldest_are_dropped_and_counted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sink = Sink()
    sink.down = True
    recorder = Recorder(sink, capacity=20, batch_size=5, linger_s=0, backoff_s=(0.01, 0.02))
    recorder.start()
    for i in range(100):
        recorder.record(i)
        await asyncio.sleep(0)
    await asyncio.sleep(0.05)
    sink.down = False
    await settle(recorder)
    await recorder.aclose()
    assert len(sink.items) + recorder.dropped == 100  # every item written or counted
    assert sink.items == sorted(sink.items)
    assert sink.items[-1] == 99  # the newest survive
    assert "dropped" in caplog.text


async def test_record_never_waits_for_a_slow_store() -> None:
    sink = Sink()
    sink.gate = asyncio.Event()  # the store hangs
    recorder = Recorder(sink, capacity=1000, batch_size=10, linger_s=0)
    recorder.start()
    for i in range(500):
        recorder.record(i)  # returns at once: no await on the data path
    assert recorder.depth >= 490
    sink.gate.set()
    await settle(recorder)
    await recorder.aclose()
    assert sink.items == list(range(500))


async def test_close_flushes_the_queue() -> None:
    sink = Sink()
    recorder = Recorder(sink, batch_size=1000, linger_s=10)  # would linger long
    recorder.start()
    for i in range(7):
        recorder.record(i)
    await asyncio.sleep(0.05)  # the writer is now lingering for a fuller batch
    await recorder.aclose(timeout=2)
    assert sink.items == list(range(7))


async def test_the_queue_is_bounded_in_bytes_too() -> None:
    """Megabyte captures fill memory long before 10,000 of them: the byte bound drops the
    oldest as soon as the sizes add up past it, and counts them."""
    sink = Sink()
    sink.down = True
    recorder = Recorder(
        sink,
        capacity=10_000,
        max_bytes=1000,
        size=lambda item: 100,
        batch_size=1,
        linger_s=0,
        backoff_s=(0.01, 0.02),
    )
    recorder.start()
    for i in range(50):
        recorder.record(i)
        assert recorder.bytes <= 1000
    await asyncio.sleep(0.05)
    assert recorder.depth <= 10
    sink.down = False
    await settle(recorder)
    await recorder.aclose()
    assert len(sink.items) + recorder.dropped == 50
    assert sink.items[-1] == 49  # the newest survive
    assert recorder.bytes == 0


async def test_an_item_larger_than_the_byte_bound_is_dropped_alone() -> None:
    sink = Sink()
    recorder = Recorder(sink, max_bytes=1000, size=lambda item: item, linger_s=0)
    recorder.start()
    recorder.record(10)
    recorder.record(5000)
    await settle(recorder)
    await recorder.aclose()
    assert sink.items == [10]
    assert recorder.dropped == 1


def test_a_byte_bound_needs_a_size() -> None:
    with pytest.raises(ValueError, match="go together"):
        Recorder(Sink(), max_bytes=10)


async def test_a_batch_of_large_items_is_bounded_in_bytes() -> None:
    """Parsing or sending a batch holds all of it: with a byte bound, a batch of megabyte
    items takes only what fits in an eighth of it (at least one)."""
    sink = Sink()
    recorder = Recorder(sink, batch_size=500, max_bytes=8000, size=lambda item: 1000, linger_s=0.05)
    for i in range(8):
        recorder.record(i)
    recorder.start()
    await settle(recorder)
    await recorder.aclose()
    assert sink.items == list(range(8))
    assert [len(batch) for batch in sink.batches] == [1] * 8
