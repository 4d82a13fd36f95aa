"""A worker's side of the event log: batches of captures sent to the writer process.

The worker's :class:`~sluice.sidecar.recorder.Recorder` calls a :class:`CaptureSender` as
its sink. A batch counts as delivered only once the writer acknowledged every frame (one
byte each); otherwise the call raises and the recorder keeps the batch, retries with
backoff, and drops (and counts) the oldest captures if the writer stays away too long.
The writer stores by exchange id, so a batch sent twice is stored once. A capture whose
frame exceeds ``store_frame_bytes`` is never sent: it is dropped, logged and counted here
(the writer would refuse it too).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sluice.sidecar.eventlog.wire import encode
from sluice.sidecar.recording import Capture

if TYPE_CHECKING:
    from sluice.sidecar.metrics import QueueMetrics

__all__ = ["CaptureSender"]

log = logging.getLogger(__name__)


class CaptureSender:
    """Sends batches over one Unix-socket connection to the writer, reconnecting as needed."""

    def __init__(
        self,
        path: Path,
        timeout_s: float = 10.0,
        *,
        max_frame: int = 9 << 20,
        metrics: QueueMetrics | None = None,
    ) -> None:
        self.path = path
        self.timeout_s = timeout_s
        self.max_frame = max_frame
        self.refused = 0  # captures too large to send, since start
        self._metrics = metrics
        self._connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    def _frames(self, batch: Sequence[Capture]) -> list[bytes]:
        frames = []
        for capture in batch:
            frame = encode(capture)
            if len(frame) - 4 > self.max_frame:
                self.refused += 1
                if self._metrics is not None:
                    self._metrics.refused()
                log.error(
                    "event log: exchange %s not recorded: its capture is %d bytes, over "
                    "store_frame_bytes (%d)",
                    capture.id,
                    len(frame) - 4,
                    self.max_frame,
                )
                continue
            frames.append(frame)
        return frames

    async def __call__(self, batch: Sequence[Capture]) -> None:
        frames = self._frames(batch)
        if not frames:
            return
        payload = b"".join(frames)
        try:
            async with asyncio.timeout(self.timeout_s):
                if self._connection is None:
                    self._connection = await asyncio.open_unix_connection(str(self.path))
                reader, writer = self._connection
                writer.write(payload)
                await writer.drain()
                await reader.readexactly(len(frames))  # one acknowledgement byte per frame
        except (OSError, TimeoutError, asyncio.IncompleteReadError):
            await self.aclose()
            raise

    async def aclose(self) -> None:
        if self._connection is not None:
            _, writer = self._connection
            self._connection = None
            writer.close()
