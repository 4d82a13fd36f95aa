"""Format adapters: the three wire formats to and from the neutral model (``sluice.model``).

Each format module is an :class:`Adapter`::

    adapter = adapter_for(Format.ANTHROPIC)
    request = adapter.parse_request(body)          # FormatError -> answer 400
    decoder = adapter.stream_decoder()             # one per response stream
    for event in sse_parser.feed(chunk):
        for part in decoder.feed(event):
            out += decoder.forward(part)           # or drop it, or render_block(...)
    response = decoder.finish()

Adapters know bytes, JSON and the neutral model; nothing of gRPC, Envoy or policies.
"""

from __future__ import annotations

from sluice.model import Format
from sluice.sidecar.formats import anthropic, openai_chat, openai_responses
from sluice.sidecar.formats._base import Adapter, PartKind, StopReason, StreamDecoder, StreamPart
from sluice.sidecar.formats._errors import FormatError, MalformedJSON, WrongShape

__all__ = [
    "Adapter",
    "FormatError",
    "MalformedJSON",
    "PartKind",
    "StopReason",
    "StreamDecoder",
    "StreamPart",
    "WrongShape",
    "adapter_for",
]

_ADAPTERS: dict[Format, Adapter] = {
    Format.ANTHROPIC: anthropic,
    Format.OPENAI_CHAT: openai_chat,
    Format.OPENAI_RESPONSES: openai_responses,
}


def adapter_for(fmt: Format) -> Adapter:
    """The adapter (a format module) for ``fmt``."""
    return _ADAPTERS[fmt]
