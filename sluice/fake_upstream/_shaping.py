"""How a stream's bytes are handed to the network: pacing, write boundaries, line endings.

A gateway's SSE parser must not care where the upstream's writes fall, so the fake can put
them anywhere: one event per write (``whole``), several events per write (``batch``), or
cuts at arbitrary bytes (``split``), including between the ``\\r`` and ``\\n`` of a line end
and inside a multi-byte UTF-8 character. The cuts come from ``seed``, so a failure replays.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from aiohttp import web

    from ._sse import SseEvent

__all__ = ["LINE_ENDINGS", "Chunking", "Shaping", "deliver"]

LINE_ENDINGS = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}


class Chunking(StrEnum):
    """Where write boundaries fall."""

    WHOLE = "whole"  # one write per event
    BATCH = "batch"  # 2 to 8 events per write
    SPLIT = "split"  # 1 to 16 bytes per write, anywhere


@dataclass(frozen=True, slots=True)
class Shaping:
    """Delivery of one streamed response; the defaults are what the providers do."""

    pace_ms: int = 0  # pause between writes
    chunking: Chunking = Chunking.WHOLE
    line_ending: str = "\n"
    seed: int = 0

    def writes(self, events: Sequence[SseEvent]) -> list[bytes]:
        """The bytes of ``events``, grouped into the writes to make."""
        encoded = [event.encode(self.line_ending) for event in events]
        rng = random.Random(self.seed)
        if self.chunking is Chunking.WHOLE:
            return encoded
        if self.chunking is Chunking.BATCH:
            writes = []
            while encoded:
                size = rng.randint(2, 8)
                writes.append(b"".join(encoded[:size]))
                del encoded[:size]
            return writes
        return _split(b"".join(encoded), rng)


def _split(data: bytes, rng: random.Random) -> list[bytes]:
    cuts = set()
    position = rng.randint(1, 16)
    while position < len(data):
        cuts.add(position)
        position += rng.randint(1, 16)
    # Random cuts may miss the two boundaries parsers most often get wrong; force each once.
    crlf = data.find(b"\r\n")
    if crlf >= 0:
        cuts.add(crlf + 1)
    lead = next((i for i, byte in enumerate(data) if byte >= 0xC0), None)
    if lead is not None:
        cuts.add(lead + 1)
    bounds = [0, *sorted(cuts), len(data)]
    return [data[start:end] for start, end in itertools.pairwise(bounds)]


async def deliver(response: web.StreamResponse, writes: Sequence[bytes], pace_ms: int) -> None:
    """Write each chunk, pausing ``pace_ms`` between them."""
    for number, chunk in enumerate(writes):
        if number and pace_ms:
            await asyncio.sleep(pace_ms / 1000)
        await response.write(chunk)
