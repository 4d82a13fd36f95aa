"""The sidecar timed in one process, in process CPU, as ``bench.cloud`` and
``bench.translation`` measure it: one response through an :class:`Exchange` (4 KiB
chunks), or a whole exchange through the ext_proc servicer, message by message, as Envoy
sends them (one per provider write)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

from envoy.config.core.v3.base_pb2 import Metadata
from envoy.service.ext_proc.v3 import external_processor_pb2 as pb
from google.protobuf.struct_pb2 import Struct

from sluice.sidecar.exchange import Exchange
from sluice.sidecar.server import ExtProcServer

__all__ = [
    "CHUNK",
    "frame_writes",
    "messages",
    "response_cpu",
    "servicer_cpu",
    "sse_writes",
]

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


def sse_writes(stream: bytes) -> list[bytes]:
    """An SSE stream as a provider writes it: one event per write."""
    return [event + b"\n\n" for event in stream.split(b"\n\n") if event]


def frame_writes(stream: bytes) -> list[bytes]:
    """An AWS event stream as Bedrock writes it: one frame per write."""
    writes, offset = [], 0
    while offset < len(stream):
        total = int.from_bytes(stream[offset : offset + 4], "big")
        writes.append(stream[offset : offset + total])
        offset += total
    return writes


def messages(
    path: str, headers: dict[str, str], request: bytes, content_type: str, writes: list[bytes]
) -> list[bytes]:
    """The ext_proc messages Envoy sends for one exchange, serialised: the request body with
    the path and the headers the sidecar reads, then one response body message per provider
    write, the first with the status and content type."""
    attributes, metadata = Struct(), Struct()
    attributes.update({"request.path": path})
    metadata.update(headers)
    first = pb.ProcessingRequest(
        request_body=pb.HttpBody(body=request, end_of_stream=True),
        attributes={"envoy.filters.http.ext_proc": attributes},
        metadata_context=Metadata(filter_metadata={"sluice.headers": metadata}),
    )
    out = [first.SerializeToString()]
    for number, write in enumerate(writes):
        message = pb.ProcessingRequest(
            response_body=pb.HttpBody(body=write, end_of_stream=number == len(writes) - 1)
        )
        if number == 0:
            status, kind = Struct(), Struct()
            status.update({"response.code": 200})
            kind.update({"content-type": content_type})
            message.attributes["envoy.filters.http.ext_proc"].CopyFrom(status)
            message.metadata_context.filter_metadata["sluice.headers"].CopyFrom(kind)
        out.append(message.SerializeToString())
    return out


async def servicer_cpu(servicer: ExtProcServer, serialised: list[bytes], repeat: int) -> float:
    """Seconds of process CPU per exchange, the mean of ``repeat`` exchanges of the
    ``serialised`` messages through the ext_proc servicer, messages parsed and replies
    serialised as gRPC does (gRPC's own transport, the same for every case, left out)."""

    async def requests() -> AsyncIterator[pb.ProcessingRequest]:
        for message in serialised:
            yield pb.ProcessingRequest.FromString(message)

    started = time.process_time()
    for _ in range(repeat):
        async for reply in servicer.Process(requests(), None):  # type: ignore[arg-type]
            reply.SerializeToString()
    return (time.process_time() - started) / repeat
