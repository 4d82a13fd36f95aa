"""The contract each wire format implements, and what it is given per request.

The app is format-neutral: it asks a ``WireFormat`` to parse and validate the body, picks
a script, then asks the format to render the reply (whole or as a stream) or an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from ._scripts import Block, FaultKind, Script

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ._errors import ErrorKind, InvalidRequest
    from ._ids import Ids
    from ._sse import SseEvent
    from ._usage import Tally

__all__ = ["JSON", "StreamEncoder", "Turn", "WireFormat", "render"]

JSON: TypeAlias = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Turn:
    """One request being answered: its parsed body, the script and the usage to report."""

    body: JSON
    script: Script
    usage: Tally
    ids: Ids  # the request id was drawn first
    request_id: str
    created: int  # Unix seconds
    # "compatible": answer as OpenAI-compatible servers do (vLLM, Ollama, DeepSeek):
    # reasoning as ``reasoning_content``, no ``system_fingerprint``.
    personality: str = "openai"

    @property
    def model(self) -> str:
        model = self.body.get("model")
        return model if isinstance(model, str) else "unknown"


class StreamEncoder(Protocol):
    """Turns a script's progress into one format's events; each call returns the events
    to send at that point (possibly none). Stateful: one encoder per response."""

    def start(self) -> Sequence[SseEvent]:
        """Before the first block."""
        ...

    def open(self, index: int, block: Block) -> Sequence[SseEvent]:
        """Block ``index`` of the script begins."""
        ...

    def delta(self, index: int, block: Block, piece: str) -> Sequence[SseEvent]:
        """The next piece of block ``index``."""
        ...

    def close(self, index: int, block: Block) -> Sequence[SseEvent]:
        """Block ``index`` is complete."""
        ...

    def finish(self) -> Sequence[SseEvent]:
        """After the last block: stop reason, usage, end of stream."""
        ...

    def fail(self) -> Sequence[SseEvent]:
        """The format's in-stream error, sent instead of the rest of the stream."""
        ...


class WireFormat(Protocol):
    """One provider API: Anthropic Messages, OpenAI Chat Completions or OpenAI Responses."""

    request_id_header: str

    def new_request_id(self, ids: Ids) -> str:
        """A request id in the provider's shape, sent in ``request_id_header``."""
        ...

    def parse(self, raw: bytes) -> JSON:
        """The request body; ``InvalidRequest`` where the real API answers 400."""
        ...

    def error(
        self, kind: ErrorKind, request_id: str, detail: InvalidRequest | None = None
    ) -> tuple[int, JSON]:
        """Status and JSON body of an error; ``detail`` words an invalid request."""
        ...

    def message(self, turn: Turn) -> JSON:
        """The whole, non-streamed reply."""
        ...

    def encoder(self, turn: Turn) -> StreamEncoder:
        """A fresh encoder for a streamed reply."""
        ...


def render(script: Script, encoder: StreamEncoder) -> tuple[list[SseEvent], bool]:
    """All events of a streamed reply, and whether the response completes.

    A script's fault strikes at its delta number ``after_deltas``, counted over all blocks:
    an error event ends the stream there, a malformed event stands in for that delta and
    the stream goes on, an early close stops before it and reports the response as
    incomplete so that the connection is dropped.
    """
    events = list(encoder.start())
    fault = script.fault
    deltas = 0
    for index, block in enumerate(script.blocks):
        events += encoder.open(index, block)
        for piece in block.pieces:
            strike = fault.kind if fault is not None and deltas == fault.after_deltas else None
            deltas += 1
            # Checked before the delta is encoded: an encoder numbering its events (the
            # Responses sequence_number) must not skip the number of a delta never sent.
            if strike is FaultKind.EARLY_CLOSE:
                return events, False
            if strike is FaultKind.ERROR_EVENT:
                return [*events, *encoder.fail()], True
            produced = list(encoder.delta(index, block, piece))
            if strike is FaultKind.MALFORMED and produced:
                produced[0] = produced[0].truncated()
            events += produced
        events += encoder.close(index, block)
    return [*events, *encoder.finish()], True
