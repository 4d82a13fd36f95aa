"""Translation between wire formats, for a client whose provider speaks another format.

Requests go client format -> backend format; responses come back backend events -> client
events, one upstream event at a time, before the policy chain reads them: the chain runs
once, on the client's format read into the neutral model, and the client always receives
its own format, errors and refusals included (see docs/architecture.md). What cannot be
carried faithfully is dropped and named, never invented::

    translation = translation_for(Format.ANTHROPIC, Format.OPENAI_CHAT)
    sent = translation.request(request.body, model="qwen3-coder")   # .body, .dropped
    changes = translation.headers(client_headers)                 # auth and version headers
    reader = translation.response(status, streamed=True)
    out = reader.feed(chunk) ...; out += reader.close()

Pairs translated: an Anthropic Messages client on an OpenAI Chat Completions backend, an
OpenAI Chat Completions client on an Anthropic Messages backend, and an OpenAI Responses
client on either (on Chat, through the Anthropic translators: see
:mod:`._request_responses_to_chat` and :mod:`._response_chat_to_responses`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from sluice.model import Format
from sluice.sidecar.sse import SSEEvent
from sluice.sidecar.translate._common import Translated
from sluice.sidecar.translate._custom_tools import custom_names
from sluice.sidecar.translate._request_anthropic_to_chat import chat_request
from sluice.sidecar.translate._request_chat_to_anthropic import anthropic_request
from sluice.sidecar.translate._request_responses_to_anthropic import responses_anthropic_request
from sluice.sidecar.translate._request_responses_to_chat import responses_chat_request
from sluice.sidecar.translate._response_anthropic_to_chat import (
    AnthropicToChatStream,
    chat_body,
    chat_error,
)
from sluice.sidecar.translate._response_anthropic_to_responses import AnthropicToResponsesStream
from sluice.sidecar.translate._response_chat_to_anthropic import (
    ChatToAnthropicStream,
    anthropic_body,
    anthropic_error,
)
from sluice.sidecar.translate._response_chat_to_responses import (
    ChatToResponsesStream,
    chat_responses_body,
)
from sluice.sidecar.translate._responses_output import (
    ResponseShape,
    echo_of,
    responses_body,
    responses_error,
)

__all__ = [
    "EventTranslator",
    "HeaderChanges",
    "ResponseTranslator",
    "Translated",
    "Translation",
    "translation_for",
]


class ResponseTranslator(Protocol):
    """Backend response bytes in, client response bytes out."""

    def feed(self, chunk: bytes) -> bytes:
        """The client's bytes for what ``chunk`` completes (``b""`` while incomplete)."""
        ...

    def close(self) -> bytes:
        """The backend's response ended: the client's remaining bytes."""
        ...


@runtime_checkable
class EventTranslator(ResponseTranslator, Protocol):
    """A stream translator that also hands out the client's events already parsed, so
    that whoever reads them next need not parse its own output again."""

    def events(self, chunk: bytes) -> list[SSEEvent]:
        """The client's events for what ``chunk`` completes."""
        ...

    def close_events(self) -> list[SSEEvent]:
        """The backend's stream ended: the client's remaining events."""
        ...


@dataclass(frozen=True, slots=True)
class HeaderChanges:
    """Request header edits toward the backend."""

    set: Mapping[str, str] = field(default_factory=dict)
    remove: tuple[str, ...] = ()


class _Whole:
    """A whole body, converted once it is complete."""

    def __init__(self, convert: Callable[[bytes], bytes]) -> None:
        self._convert = convert
        self._chunks: list[bytes] = []

    def feed(self, chunk: bytes) -> bytes:
        self._chunks.append(chunk)
        return b""

    def close(self) -> bytes:
        return self._convert(b"".join(self._chunks))


_UNREADABLE = b"the upstream sent a response that could not be read"
_BROKEN = (ValueError, KeyError, IndexError, TypeError, AttributeError)


def _anthropic_whole(body: bytes) -> bytes:
    try:
        return anthropic_body(body)
    except _BROKEN:
        return anthropic_error(502, _UNREADABLE)


def _chat_whole(body: bytes) -> bytes:
    try:
        return chat_body(body)
    except _BROKEN:
        return chat_error(502, _UNREADABLE)


def _responses_whole(
    convert: Callable[[bytes, ResponseShape], bytes], shape: ResponseShape
) -> _Whole:
    def whole(body: bytes) -> bytes:
        try:
            return convert(body, shape)
        except _BROKEN:
            return responses_error(502, _UNREADABLE)

    return _Whole(whole)


# Each provider's own headers mean nothing to the other, and their key headers differ.
_ANTHROPIC_ONLY = ("anthropic-version", "anthropic-beta", "x-api-key")
ANTHROPIC_VERSION = "2023-06-01"


class Translation:
    """How one exchange is translated between a (client format, backend format) pair."""

    __slots__ = ("_include_usage", "_shape", "backend", "client")

    def __init__(self, client: Format, backend: Format) -> None:
        self.client = client
        self.backend = backend
        self._include_usage = False  # a Chat client asked for the usage chunk
        self._shape = ResponseShape()  # how a Responses client's response is written

    def request(self, body: dict[str, Any], model: str | None = None) -> Translated:
        """The backend's request body for the client's parsed ``body``; ``model`` replaces
        the client's model name. Raises ``FormatError`` for what the client's own provider
        would refuse."""
        if self.client is Format.OPENAI_RESPONSES:
            include = body.get("include")
            signed = isinstance(include, list) and "reasoning.encrypted_content" in include
            self._shape = ResponseShape(echo_of(body), signed, custom_names(body))
            if self.backend is Format.ANTHROPIC:
                return responses_anthropic_request(body, model)
            return responses_chat_request(body, model)
        if self.client is Format.OPENAI_CHAT:
            options = body.get("stream_options")
            self._include_usage = isinstance(options, dict) and options.get("include_usage") is True
            return anthropic_request(body, model)
        return chat_request(body, model)

    def headers(self, headers: Mapping[str, str]) -> HeaderChanges:
        """The header edits for a request with the client's ``headers`` (lower-case names)."""
        if self.backend is Format.ANTHROPIC:  # its key header and version
            changes = {"anthropic-version": ANTHROPIC_VERSION}
            bearer = headers.get("authorization", "")
            if bearer.lower().startswith("bearer "):
                changes["x-api-key"] = bearer[len("bearer ") :]
            return HeaderChanges(changes, ("authorization",) if "x-api-key" in changes else ())
        if self.client is not Format.ANTHROPIC:  # OpenAI to OpenAI: the same headers
            return HeaderChanges()
        changes = {}
        key = headers.get("x-api-key")
        if key and not headers.get("authorization"):
            changes["authorization"] = f"Bearer {key}"
        return HeaderChanges(changes, _ANTHROPIC_ONLY)

    def response(self, status: int, *, streamed: bool) -> ResponseTranslator:
        """A translator for the backend's response with ``status``."""
        if self.client is Format.OPENAI_RESPONSES:
            return self._to_responses(status, streamed=streamed)
        to_chat = self.client is Format.OPENAI_CHAT
        if status >= 400:
            error = chat_error if to_chat else anthropic_error
            return _Whole(lambda body: error(status, body))
        if streamed:
            return (
                AnthropicToChatStream(self._include_usage) if to_chat else ChatToAnthropicStream()
            )
        return _Whole(_chat_whole if to_chat else _anthropic_whole)

    def _to_responses(self, status: int, *, streamed: bool) -> ResponseTranslator:
        from_anthropic = self.backend is Format.ANTHROPIC
        if status >= 400:
            return _Whole(lambda body: responses_error(status, body))
        if streamed:
            stream = AnthropicToResponsesStream if from_anthropic else ChatToResponsesStream
            return stream(self._shape)
        return _responses_whole(
            responses_body if from_anthropic else chat_responses_body, self._shape
        )


_PAIRS = {
    (Format.ANTHROPIC, Format.OPENAI_CHAT),
    (Format.OPENAI_CHAT, Format.ANTHROPIC),
    (Format.OPENAI_RESPONSES, Format.ANTHROPIC),
    (Format.OPENAI_RESPONSES, Format.OPENAI_CHAT),
}


def translation_for(client: Format, backend: Format) -> Translation | None:
    """A new translation from ``client`` to ``backend`` for one exchange; ``None`` when
    they are the same. Raises ``ValueError`` for a pair not translated (the config refuses
    those)."""
    if client == backend:
        return None
    if (client, backend) not in _PAIRS:
        raise ValueError(f"translating {client} to {backend} is not supported")
    return Translation(client, backend)
