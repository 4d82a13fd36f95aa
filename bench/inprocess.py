"""One response through the sidecar's :class:`Exchange` in one process, as Envoy would hand
it over (4 KiB chunks), timed in process CPU: what ``bench.cloud`` and
``bench.translation`` measure."""

from __future__ import annotations

import time

from sluice.sidecar.exchange import Exchange

__all__ = ["CHUNK", "response_cpu"]

CHUNK = 4096


async def response_cpu(exchange: Exchange, upstream: bytes, content_type: str) -> float:
    """Seconds of process CPU to read ``upstream`` (the whole response body) through
    ``exchange``, whose request was already read."""
    exchange.on_response_headers(200, content_type)
    started = time.process_time()
    for offset in range(0, len(upstream), CHUNK):
        end = offset + CHUNK >= len(upstream)
        async for _ in exchange.on_response_chunk(upstream[offset : offset + CHUNK], end):
            pass
    return time.process_time() - started
