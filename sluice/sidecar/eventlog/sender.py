"""A worker's side of the event log: batches of captures sent to the writer process.

The worker's :class:`~sluice.sidecar.recorder.Recorder` calls a :class:`CaptureSender` as
its sink. A batch counts as delivered only once the writer acknowledged every frame (one
byte each); otherwise the call raises and the recorder keeps the batch, retries with
backoff, and drops (and counts) the oldest captures if the writer stays away too long.
The writer stores by exchange id, so a batch sent twice is stored once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from sluice.sidecar.eventlog.wire import encode
from sluice.sidecar.recording import Capture

__all__ = ["CaptureSender"]


class CaptureSender:
    """Sends batches over one Unix-socket connection to the writer, reconnecting as needed."""

    def __init__(self, path: Path, timeout_s: float = 10.0) -> None:
        self.path = path
        self.timeout_s = timeout_s
        self._connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def __call__(self, batch: Sequence[Capture]) -> None:
        payload = b"".join(encode(capture) for capture in batch)
        try:
            async with asyncio.timeout(self.timeout_s):
                if self._connection is None:
                    self._connection = await asyncio.open_unix_connection(str(self.path))
                reader, writer = self._connection
                writer.write(payload)
                await writer.drain()
                await reader.readexactly(len(batch))  # one acknowledgement byte per capture
        except (OSError, TimeoutError, asyncio.IncompleteReadError):
            await self.aclose()
            raise

    async def aclose(self) -> None:
        if self._connection is not None:
            _, writer = self._connection
            self._connection = None
            writer.close()
