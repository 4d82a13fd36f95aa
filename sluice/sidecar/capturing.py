"""What one exchange leaves for the event log: its :class:`~sluice.sidecar.recording.Capture`
started, filled as the exchange goes, and handed to the recorder once.

Every step is O(1) and never awaits: bytes are kept as they pass, facts as they are known;
parsing waits for the writer. At most the recorder's ``item_limit`` bytes are kept
(``store_capture_bytes``); beyond it the capture is cut and marked, the client unaffected.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sluice.auth.identity import Identity
from sluice.model import Format
from sluice.sidecar.chain import Decision
from sluice.sidecar.recorder import Recorder
from sluice.sidecar.recording import Capture
from sluice.sidecar.recording import decision as record_decision

__all__ = ["Capturing"]


class Capturing:
    """The event-log capture of one exchange, from its request body to its end."""

    __slots__ = ("_clock", "_recorder", "capture")

    def __init__(
        self,
        recorder: Recorder[Capture],
        fmt: Format,
        route: str,
        provider: str | None,
        caller: Identity,
        body: bytes,
    ) -> None:
        """Start capturing an exchange whose request ``body`` (as received) just arrived,
        from ``caller`` (who, as authenticated: never a credential)."""
        self._recorder = recorder
        self._clock = time.perf_counter()
        self.capture = Capture(
            id=uuid.uuid4().hex,
            started_at=datetime.now(UTC),
            format=fmt,
            route=route,
            provider=provider,
            request_body=body,
            client=caller.client,
            user=caller.user,
            team=caller.team,
            key_id=caller.key_id,
            limit=recorder.item_limit,
        )

    def routed(self, provider: str) -> None:
        """A model rule sent the request to ``provider``."""
        self.capture.provider = provider

    def request_sent(self, body: bytes) -> None:
        """A policy changed the request: ``body`` went to the provider instead."""
        self.capture.keep_sent(body)

    def translated(self, backend: Format, body: bytes) -> None:
        """The request went to a provider speaking ``backend``, as ``body``."""
        self.capture.request_sent = body
        self.capture.backend_format = backend

    def refused(self, status: int, body: bytes) -> None:
        """The gateway answered itself with ``body`` (JSON)."""
        capture = self.capture
        capture.refused = True
        capture.status = status
        capture.content_type = "application/json"
        capture.keep_response(body)

    def response_started(self, status: int, content_type: str, *, rewritten: bool) -> None:
        """The response began; ``rewritten``: the client may get other bytes than the
        provider sent (a policy reads it), so both are kept."""
        capture = self.capture
        capture.status = status
        capture.content_type = content_type
        capture.ttft = time.perf_counter() - self._clock
        if rewritten:
            capture.delivered_chunks = []

    def received(self, chunk: bytes) -> None:
        """A response chunk as the provider sent it."""
        self.capture.keep_response(chunk)

    def delivered(self, chunk: bytes) -> None:
        """A response chunk as the client got it (kept only when it may differ)."""
        self.capture.keep_delivered(chunk)

    def finish(
        self,
        *,
        complete: bool,
        sanitized: bool,
        session: str | None,
        decisions: Sequence[Decision],
        model: str | None = None,
        cost: float | None = None,
    ) -> None:
        """Hand the capture to the event log (call once); ``model``: the one the request
        named, kept apart in case the request's bytes are cut; ``cost``: its dollars, when
        priced."""
        capture = self.capture
        capture.forget_same_delivered()
        capture.model = model
        capture.cost = cost
        capture.complete = complete
        capture.sanitized = sanitized
        capture.duration = time.perf_counter() - self._clock
        capture.session_id = session
        capture.decisions = [
            record_decision(d.policy, d.hook, d.action, d.reason, d.seconds, d.data)
            for d in decisions
        ]
        self._recorder.record(capture)
