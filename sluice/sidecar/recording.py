"""What an exchange leaves for the event log, and the writer's side of turning it into rows.

On the data path an exchange only collects bytes and facts it already has (the request body
as received, the response chunks as they passed, timings, decisions) into a
:class:`Capture` and hands it to the :class:`~sluice.sidecar.recorder.Recorder`: O(1), no
parsing, no await. The recorder's writer task calls :func:`store_sink`'s sink, which parses
the captured bytes into the neutral model and writes one batch per transaction.

A capture keeps at most ``limit`` bytes (``store_capture_bytes``) of its four bodies
together: beyond it, what does not fit is cut (:meth:`Capture.keep_request` and friends),
the cut is named in :attr:`Capture.truncated`, and the stored exchange carries a
``capture`` event saying so. The client's traffic is never affected.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sluice.model import Format, Response, Usage
from sluice.sidecar.formats import FormatError, adapter_for
from sluice.sidecar.sse import SSEParser
from sluice.store import Decision, EventKind, ExchangeRecord, Outcome, Store
from sluice.store.keys import touch_last_used
from sluice.store.users import readable_user

if TYPE_CHECKING:
    from opentelemetry.trace import Span

    from sluice.sidecar.tracing import Tracing

__all__ = ["Capture", "capture_size", "read_response", "store_sink", "to_record"]

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
    user: str | None = None  # the authenticated caller (``auth:``), not the body's user id
    team: str | None = None
    key_id: str | None = None  # the Sluice key's public id, never the key
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
    model: str | None = None  # the request's, as the data path read it
    cost: float | None = None  # US dollars, as the data path priced the usage it read
    limit: int | None = None  # bytes kept of the four bodies together; None: all
    kept: int = 0  # bytes kept so far, counted against ``limit``
    truncated: dict[str, int] = field(default_factory=dict)  # body -> bytes cut from it
    # The exchange span's W3C context when the request was traced: the writer's span joins it.
    traceparent: str | None = None

    def __post_init__(self) -> None:
        if self.limit is not None:
            self.request_body = self._keep("request", self.request_body)

    def _keep(self, part: str, data: bytes) -> bytes:
        """What of ``data`` fits under the limit; the rest is counted as cut from ``part``."""
        if self.limit is None:
            return data
        room = self.limit - self.kept
        if len(data) <= room:
            self.kept += len(data)
            return data
        room = max(room, 0)
        self.kept += room
        self.truncated[part] = self.truncated.get(part, 0) + len(data) - room
        return data[:room]

    def keep_sent(self, body: bytes) -> None:
        """The request as a policy changed it, within the limit."""
        self.request_sent = self._keep("request_sent", body)

    def keep_response(self, chunk: bytes) -> None:
        """A response chunk as the provider sent it, within the limit."""
        if kept := self._keep("response", chunk):
            self.response_chunks.append(kept)

    def keep_delivered(self, chunk: bytes) -> None:
        """A response chunk as the client got it (after ``delivered_chunks`` was set to a
        list), within the limit."""
        if self.delivered_chunks is not None and (kept := self._keep("delivered", chunk)):
            self.delivered_chunks.append(kept)

    def forget_same_delivered(self) -> None:
        """Forget the delivered copy when the client got the very bytes the provider sent
        (a policy read the response and changed nothing): the response is then carried
        and stored once, as for a response nobody read."""
        delivered = self.delivered_chunks
        if delivered is None or self.backend_format is not None:
            return  # nothing kept, or a translation: the two are in different formats
        if "delivered" in self.truncated or b"".join(delivered) != b"".join(self.response_chunks):
            return
        self.delivered_chunks = None
        self.kept -= sum(map(len, delivered))


def capture_size(capture: Capture) -> int:
    """About how many bytes ``capture`` holds: what the event-log queues are bounded by."""
    size = 512 + len(capture.request_body) + len(capture.request_sent or b"")  # 512: the facts
    size += sum(len(chunk) for chunk in capture.response_chunks)
    size += sum(len(chunk) for chunk in capture.delivered_chunks or ())
    return size + sum(len(d.reason or "") + 128 for d in capture.decisions)


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


_MODEL = re.compile(rb'"model"\s*:\s*"([^"\\]{1,200})"')
TRUNCATED_KEY = "sluice_truncated"  # the marker a cut request body is stored with


def _json(data: bytes, cut: int = 0, model: str | None = None) -> dict[str, object]:
    """A body as JSON; a cut or unreadable one as a marker that says so (with its model,
    from the data path or the kept bytes, so the history still shows it)."""
    if cut:
        note = f"request body not stored: {len(data) + cut} bytes, over store_capture_bytes"
        marker: dict[str, object] = {TRUNCATED_KEY: note}
        found = _MODEL.search(data[:65536]) if model is None else None
        if found is not None:
            model = found.group(1).decode("utf-8", errors="replace")
        if model is not None:
            marker["model"] = model
        return marker
    try:
        value = json.loads(data)
    except ValueError:
        return {"unreadable_body": data[:2000].decode("utf-8", errors="replace")}
    return value if isinstance(value, dict) else {"body": value}


def _truncation(capture: Capture) -> Decision:
    """The event that marks a cut capture in the history."""
    cut = ", ".join(f"{part} cut by {size} bytes" for part, size in capture.truncated.items())
    reason = f"capture over store_capture_bytes ({capture.limit} bytes): {cut}"
    return Decision("event log", "capture", "truncate", reason, kind=EventKind.ERROR)


def to_record(capture: Capture) -> ExchangeRecord:
    """The store record for ``capture``: parsing happens here, in the writer, never on the
    data path."""
    truncated = capture.truncated
    if capture.sanitized:
        # What arrived may hold the secrets a redacting policy removed: keep only its output.
        if capture.request_sent is not None:
            capture.request_body, capture.request_sent = capture.request_sent, None
            truncated["request"] = truncated.pop("request_sent", 0)
        if capture.delivered_chunks is not None:
            capture.response_chunks, capture.delivered_chunks = capture.delivered_chunks, None
            truncated["response"] = truncated.pop("delivered", 0)
            capture.backend_format = None  # what is kept is in the client's format
        for part in [part for part, size in truncated.items() if not size]:
            del truncated[part]
    request = _json(capture.request_body, truncated.get("request", 0), capture.model)
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
    decisions = [*capture.decisions, _truncation(capture)] if truncated else capture.decisions
    return ExchangeRecord(
        id=capture.id,
        started_at=capture.started_at,
        format=capture.format,
        request=request,
        route=capture.route,
        provider=capture.provider,
        model=model if isinstance(model, str) else None,
        client=capture.client,
        user_id=readable_user(user_id) if isinstance(user_id, str) else None,
        user=capture.user,
        team=capture.team,
        key_id=capture.key_id,
        session_id=capture.session_id,
        status=capture.status,
        streamed=capture.content_type.startswith("text/event-stream"),
        usage=response.usage if response is not None else Usage(),
        cost_usd=capture.cost,
        ttft=capture.ttft,
        duration=capture.duration,
        outcome=_outcome(capture),
        request_sent=(
            _json(capture.request_sent, truncated.get("request_sent", 0))
            if capture.request_sent is not None
            else None
        ),
        response=response,
        response_delivered=delivered if delivered != response else None,
        decisions=decisions,
    )


def store_sink(
    store: Store, tracing: Tracing | None = None
) -> Callable[[Sequence[Capture]], Awaitable[None]]:
    """The recorder's sink: parse each capture, write the batch in one transaction, then
    note when each Sluice key in it was last used (one statement; off the data path).

    ``tracing``: the writer's tracer; a capture of a traced exchange gets an
    ``event_log.write`` span in that exchange's trace, from parsing to the batch's commit."""

    async def sink(batch: Sequence[Capture]) -> None:
        spans = _write_spans(tracing, batch) if tracing is not None else []
        try:
            records = []
            for capture in batch:
                try:
                    records.append(to_record(capture))
                except Exception:  # one unreadable exchange must not block the others
                    log.exception("event log: exchange %s could not be recorded", capture.id)
            await store.write(records)
        except Exception as exc:
            for span in spans:
                span.record_exception(exc)
                span.end()
            raise
        for span in spans:
            span.end()
        used: dict[str, datetime] = {}
        for record in records:
            if record.key_id is not None:
                used[record.key_id] = max(
                    used.get(record.key_id, record.started_at), record.started_at
                )
        await touch_last_used(store, used)  # a retried batch writes the same times again

    return sink


def _write_spans(tracing: Tracing, batch: Sequence[Capture]) -> list[Span]:
    """An ``event_log.write`` span for each capture of a traced exchange in ``batch``."""
    spans = []
    for capture in batch:
        span = tracing.span("event_log.write", capture.traceparent)
        if span is not None:
            span.set_attributes(
                {"sluice.exchange.id": capture.id, "sluice.event_log.batch": len(batch)}
            )
            spans.append(span)
    return spans


def decision(
    policy: str,
    hook: str,
    action: str,
    reason: str,
    seconds: float,
    data: dict[str, Any] | None = None,
) -> Decision:
    """A chain decision as the store records it (``data``: the facts behind it, such as a
    review's reviewer and note)."""
    kind = EventKind.ERROR if action == "error" else EventKind.DECISION
    return Decision(policy, hook, action, reason, seconds, kind, data=data)
