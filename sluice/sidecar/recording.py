"""What an exchange leaves for the event log, and the writer's side of turning it into rows.

On the data path an exchange only collects bytes and facts it already has (the request body
as received, the response chunks as they passed, timings, decisions) into a
:class:`Capture` and hands it to the :class:`~sluice.sidecar.recorder.Recorder`: O(1), no
parsing, no await. The recorder's writer task calls :func:`store_sink`'s sink, which parses
the captured bytes into the neutral model and writes one batch per transaction.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sluice.model import Format, Response, Usage
from sluice.sidecar.formats import FormatError, adapter_for
from sluice.sidecar.sse import SSEParser
from sluice.store import Decision, EventKind, ExchangeRecord, Outcome, Store

__all__ = ["Capture", "read_response", "store_sink", "to_record"]

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Capture:
    """One exchange as captured on the data path, not yet parsed."""

    id: str
    started_at: datetime
    format: Format
    route: str
    provider: str | None
    request_body: bytes
    request_sent: bytes | None = None  # only when a policy changed (or translated) it
    # The provider's format when it differs from the client's (the exchange was translated):
    # the response as received is in this format, as delivered in the client's.
    backend_format: Format | None = None
    client: str | None = None
    session_id: str | None = None
    status: int | None = None
    content_type: str = ""
    response_chunks: list[bytes] = field(default_factory=list)  # as the provider sent them
    delivered_chunks: list[bytes] | None = None  # as the client got them, when they differ
    response: Response | None = None  # the provider's, when the stream was read already
    ttft: float | None = None
    duration: float | None = None
    refused: bool = False
    complete: bool = True
    sanitized: bool = False  # a redacting policy ran: store only what it left
    decisions: list[Decision] = field(default_factory=list)


def read_response(fmt: Format, content_type: str, data: bytes) -> Response | None:
    """Response bytes (a whole JSON body or an SSE stream) read into the neutral model;
    ``None`` when empty or unreadable."""
    if not data:
        return None
    adapter = adapter_for(fmt)
    try:
        if content_type.startswith("text/event-stream"):
            decoder = adapter.stream_decoder()
            parser = SSEParser()
            for event in [*parser.feed(data), *parser.close()]:
                decoder.feed(event)
            return decoder.finish()
        return adapter.parse_response(data)
    except FormatError:
        return None


def _outcome(capture: Capture) -> Outcome:
    actions = {d.action for d in capture.decisions}
    if capture.refused:
        return Outcome.REFUSED
    if "block" in actions:
        return Outcome.BLOCKED
    # A translated request differs from the client's by translation, not by a policy.
    rewritten = capture.request_sent is not None and capture.backend_format is None
    if "rewrite" in actions or rewritten:
        return Outcome.MODIFIED
    if not capture.complete or (capture.status or 0) >= 400 or "error" in actions:
        return Outcome.ERROR
    return Outcome.OK


def _json(data: bytes) -> dict[str, object]:
    try:
        value = json.loads(data)
    except ValueError:
        return {"unreadable_body": data[:2000].decode("utf-8", errors="replace")}
    return value if isinstance(value, dict) else {"body": value}


def to_record(capture: Capture) -> ExchangeRecord:
    """The store record for ``capture``: parsing happens here, in the writer, never on the
    data path."""
    if capture.sanitized:
        # What arrived may hold the secrets a redacting policy removed: keep only its output.
        if capture.request_sent is not None:
            capture.request_body, capture.request_sent = capture.request_sent, None
        if capture.delivered_chunks is not None:
            capture.response_chunks, capture.delivered_chunks = capture.delivered_chunks, None
            capture.backend_format = None  # what is kept is in the client's format
    request = _json(capture.request_body)
    response = capture.response or read_response(
        capture.backend_format or capture.format,
        capture.content_type,
        b"".join(capture.response_chunks),
    )
    delivered = None
    if capture.delivered_chunks is not None:
        delivered = read_response(
            capture.format, capture.content_type, b"".join(capture.delivered_chunks)
        )
    metadata = request.get("metadata")
    user = request.get("user")
    user_id = metadata.get("user_id") if isinstance(metadata, dict) else user
    model = request.get("model")
    return ExchangeRecord(
        id=capture.id,
        started_at=capture.started_at,
        format=capture.format,
        request=request,
        route=capture.route,
        provider=capture.provider,
        model=model if isinstance(model, str) else None,
        client=capture.client,
        user_id=user_id if isinstance(user_id, str) else None,
        session_id=capture.session_id,
        status=capture.status,
        streamed=capture.content_type.startswith("text/event-stream"),
        usage=response.usage if response is not None else Usage(),
        ttft=capture.ttft,
        duration=capture.duration,
        outcome=_outcome(capture),
        request_sent=_json(capture.request_sent) if capture.request_sent else None,
        response=response,
        response_delivered=delivered if delivered != response else None,
        decisions=capture.decisions,
    )


def store_sink(store: Store) -> Callable[[Sequence[Capture]], Awaitable[None]]:
    """The recorder's sink: parse each capture, write the batch in one transaction."""

    async def sink(batch: Sequence[Capture]) -> None:
        records = []
        for capture in batch:
            try:
                records.append(to_record(capture))
            except Exception:  # one unreadable exchange must not block the others
                log.exception("event log: exchange %s could not be recorded", capture.id)
        await store.write(records)

    return sink


def decision(policy: str, hook: str, action: str, reason: str, seconds: float) -> Decision:
    """A chain decision as the store records it."""
    kind = EventKind.ERROR if action == "error" else EventKind.DECISION
    return Decision(policy, hook, action, reason, seconds, kind)
