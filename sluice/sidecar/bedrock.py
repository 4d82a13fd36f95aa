"""AWS Bedrock behind an Anthropic Messages route: the request and response adapters.

Bedrock's runtime API takes the Messages body with two differences: the model is in the
path (``POST /model/{id}/invoke`` or ``/invoke-with-response-stream``) and the version in
the body (``anthropic_version: bedrock-2023-05-31``; no ``model``, no ``stream``). A stream
comes back as event-stream frames (``sluice.sidecar.eventstream``), each ``chunk`` payload
``{"bytes": "<base64 of one Anthropic event>"}``; :class:`BedrockStream` turns them into the
Anthropic SSE stream the client expects, which the chain then reads like any other.
Errors are ``{"message": ...}`` with the exception's name in ``x-amzn-errortype`` (whole
responses) or ``:exception-type`` (frames in a stream); both become Anthropic errors.

Signing is Envoy's (``sluice.envoy.signing``): nothing here holds a credential.
"""

from __future__ import annotations

import binascii
import json
import re
from binascii import a2b_base64
from dataclasses import dataclass
from urllib.parse import quote

from sluice.config.cloud import BedrockConfig
from sluice.sidecar.eventstream import (
    EventStreamDecoder,
    EventStreamError,
    Message,
)
from sluice.sidecar.formats.anthropic import error_body, error_type
from sluice.sidecar.sse import SSEEvent

__all__ = [
    "BEDROCK_VERSION",
    "EVENTSTREAM",
    "BedrockError",
    "BedrockRequest",
    "BedrockStream",
    "adapt_request",
    "anthropic_error",
]

BEDROCK_VERSION = "bedrock-2023-05-31"
EVENTSTREAM = "application/vnd.amazon.eventstream"
# A Bedrock error body is a small JSON object; a larger one is cut for the message.
_MAX_ERROR_BODY = 64 * 1024

# Bedrock's exception -> the status and error type an Anthropic client expects for it.
_ERRORS: dict[str, tuple[int, str]] = {
    "ValidationException": (400, "invalid_request_error"),
    "AccessDeniedException": (403, "permission_error"),
    "UnrecognizedClientException": (401, "authentication_error"),
    "ExpiredTokenException": (401, "authentication_error"),
    "ResourceNotFoundException": (404, "not_found_error"),
    "ThrottlingException": (429, "rate_limit_error"),
    "ServiceQuotaExceededException": (429, "rate_limit_error"),
    # The model is being loaded; Bedrock sends 429 and SDKs retry it.
    "ModelNotReadyException": (429, "rate_limit_error"),
    "ServiceUnavailableException": (503, "overloaded_error"),
    "InternalServerException": (500, "api_error"),
    "ModelTimeoutException": (504, "api_error"),
    "ModelErrorException": (502, "api_error"),
    "ModelStreamErrorException": (502, "api_error"),
}


@dataclass(frozen=True, slots=True)
class BedrockRequest:
    """What goes to Bedrock instead of the client's request."""

    body: bytes
    path: str
    stream: bool


def adapt_request(config: BedrockConfig, body: bytes) -> BedrockRequest:
    """The Bedrock request for an Anthropic Messages ``body`` (already read and approved).

    >>> config = BedrockConfig(region="us-east-1", inference_profile=None)
    >>> adapted = adapt_request(config, b'{"model": "claude-haiku-4-5", "stream": true}')
    >>> adapted.path
    '/model/anthropic.claude-haiku-4-5-20251001-v1%3A0/invoke-with-response-stream'
    >>> adapted.body
    b'{"anthropic_version":"bedrock-2023-05-31"}'
    """
    data = json.loads(body)
    model = data.pop("model", "")
    stream = data.pop("stream", False) is True
    data["anthropic_version"] = BEDROCK_VERSION
    model_id = config.model_id(model if isinstance(model, str) else "")
    action = "invoke-with-response-stream" if stream else "invoke"
    # The id is one path segment, encoded as AWS's SDKs do (":" and "/" of ARNs included).
    path = f"/model/{quote(model_id, safe='')}/{action}"
    encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return BedrockRequest(encoded, path, stream)


def anthropic_error(status: int, exception: str, message: str) -> tuple[int, bytes]:
    """Bedrock's error (``exception`` as in ``x-amzn-errortype``, possibly with a
    ``:`` suffix) as an Anthropic client reads it: the status and the error body."""
    name = exception.partition(":")[0]
    mapped = _ERRORS.get(name)
    if mapped is None:
        code = status if 400 <= status < 600 else 502
        mapped = (code, error_type(code))
    code, kind = mapped
    text = f"Bedrock {name}: {message}" if name else f"Bedrock: {message}"
    return code, error_body(code, kind, text)


class BedrockError:
    """A whole Bedrock error response, read to its end then rewritten (see
    :func:`anthropic_error`). :attr:`status` is the status the client gets."""

    __slots__ = ("_body", "_exception", "_upstream_status", "status")

    def __init__(self, status: int, exception: str) -> None:
        self._upstream_status = status
        self._exception = exception
        self._body = bytearray()
        self.status, _ = anthropic_error(status, exception, "")

    def feed(self, data: bytes) -> bytes:
        room = _MAX_ERROR_BODY - len(self._body)
        if room > 0:
            self._body += data[:room]
        return b""

    def close(self) -> bytes:
        message = bytes(self._body).decode(errors="replace")
        try:
            parsed = json.loads(message)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            found = parsed.get("message", parsed.get("Message"))
            message = found if isinstance(found, str) else message
        _, body = anthropic_error(self._upstream_status, self._exception, message.strip())
        return body


class BedrockStream:
    """Bedrock's event stream in, the Anthropic SSE stream out, incrementally.

    A ``chunk`` event becomes ``event: <type>`` + ``data: <the event's JSON, as sent>``; an
    exception frame (or a corrupt stream) becomes an Anthropic ``error`` event, after which
    the rest of the upstream is dropped. :meth:`events` hands the SSE events out already
    parsed, so that a chain reading them does not parse its own input again; :meth:`feed`
    gives their bytes.
    """

    __slots__ = ("_decoder", "_done")

    def __init__(self, max_message: int | None = None) -> None:
        self._decoder = (
            EventStreamDecoder() if max_message is None else EventStreamDecoder(max_message)
        )
        self._done = False

    def feed(self, data: bytes) -> bytes:
        """The SSE bytes for the frames ``data`` completes."""
        return b"".join(event.raw for event in self.events(data))

    def close(self) -> bytes:
        """The upstream ended: an error event if it ended inside a frame."""
        return b"".join(event.raw for event in self.close_events())

    def events(self, data: bytes) -> list[SSEEvent]:
        """The SSE events for the frames ``data`` completes."""
        if self._done:
            return []
        try:
            messages = self._decoder.feed(data)
        except EventStreamError as exc:
            return [self._error("api_error", f"Bedrock stream unreadable: {exc}")]
        events: list[SSEEvent] = []
        for message in messages:
            event = self._event(message)
            if event is not None:
                events.append(event)
            if self._done:
                break
        return events

    def close_events(self) -> list[SSEEvent]:
        """The upstream ended: an error event if it ended inside a frame."""
        if self._done:
            return []
        try:
            self._decoder.close()
        except EventStreamError as exc:
            return [self._error("api_error", f"Bedrock stream cut short: {exc}")]
        return []

    def _event(self, message: Message) -> SSEEvent | None:
        headers = message.headers
        kind = headers.get(":message-type", "event")
        if kind == "event":
            if headers.get(":event-type") != "chunk":
                return None  # e.g. an initial-response event: nothing for the client
            try:
                event = a2b_base64(_chunk_bytes(message.payload), strict_mode=True)
                name = _event_type(event)
                data = event.decode()
            except (ValueError, KeyError, TypeError, binascii.Error) as exc:
                return self._error("api_error", f"Bedrock chunk unreadable: {exc}")
            raw = b"event: " + name.encode() + b"\ndata: " + event + b"\n\n"
            return SSEEvent(raw, name, data)
        exception = message.header(":exception-type") or message.header(":error-code")
        text = message.header(":error-message")
        try:
            parsed = json.loads(message.payload) if message.payload else {}
            text = parsed.get("message", text) if isinstance(parsed, dict) else text
        except ValueError:
            text = text or message.payload.decode(errors="replace")
        # In a stream the names start in lower case (throttlingException).
        _, kind_of_error = _ERRORS.get(exception[:1].upper() + exception[1:], (502, "api_error"))
        return self._error(kind_of_error, f"Bedrock {exception or 'error'}: {text}")

    def _error(self, kind: str, message: str) -> SSEEvent:
        self._done = True
        payload = {"type": "error", "error": {"type": kind, "message": message}}
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return SSEEvent(b"event: error\ndata: " + data.encode() + b"\n\n", "error", data)


# Both objects begin with this key (Bedrock writes them so); anything else is parsed whole.
_BYTES = re.compile(rb'\{"bytes": ?"([A-Za-z0-9+/=]*)"')
_TYPE = re.compile(rb'\{"type": ?"([a-z_]+)"')
_DELTA = b'{"type":"content_block_delta",'


def _chunk_bytes(payload: bytes) -> bytes | str:
    """The ``bytes`` field of a chunk's payload."""
    if payload.startswith(b'{"bytes":"'):  # as Bedrock writes it: no regex needed
        end = payload.find(b'"', 10)
        if end != -1 and payload.find(b"\\", 10, end) == -1:  # no JSON escape in it
            return payload[10:end]
    if found := _BYTES.match(payload):
        return found[1]
    value = json.loads(payload)["bytes"]
    if not isinstance(value, str):
        raise TypeError("bytes is not a string")
    return value


def _event_type(event: bytes) -> str:
    """The ``type`` of an Anthropic event's JSON (the event itself is read downstream)."""
    if event.startswith(_DELTA):  # most events of a stream
        return "content_block_delta"
    if found := _TYPE.match(event):
        return found[1].decode()
    value = json.loads(event)["type"]
    if not isinstance(value, str):
        raise TypeError("type is not a string")
    return value
