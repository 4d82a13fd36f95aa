"""An OpenAI Chat Completions answer as an OpenAI Responses answer, through Anthropic's.

The two existing translators compose: Chat -> Anthropic (:mod:`._response_chat_to_anthropic`)
then Anthropic -> Responses (:mod:`._response_anthropic_to_responses`). Each Chat chunk
gives its Anthropic events at once, and each of those its Responses events, so the stream is
still translated one event at a time; the Anthropic events in between are handed over
parsed, never written out and read again. Reasoning (``reasoning_content``) arrives without a
signature, so its reasoning items carry no ``encrypted_content``.
"""

from __future__ import annotations

from sluice.sidecar.sse import SSEEvent
from sluice.sidecar.translate._response_anthropic_to_responses import AnthropicToResponsesStream
from sluice.sidecar.translate._response_chat_to_anthropic import (
    ChatToAnthropicStream,
    anthropic_body,
)
from sluice.sidecar.translate._responses_output import ResponseShape, responses_body
from sluice.sidecar.translate._stream import StreamTranslator

__all__ = ["ChatToResponsesStream", "chat_responses_body"]


def chat_responses_body(body: bytes, shape: ResponseShape) -> bytes:
    """The Responses response for a whole ``chat.completion``; raises ``ValueError`` (or
    ``KeyError``, ``TypeError``) when it is not one."""
    return responses_body(anthropic_body(body), shape)


class ChatToResponsesStream(StreamTranslator):
    """Bytes of a Chat Completions stream in, Responses events out (see
    :class:`AnthropicToResponsesStream`)."""

    def __init__(self, shape: ResponseShape | None = None, created: int | None = None) -> None:
        super().__init__()
        self._chat = ChatToAnthropicStream()
        self._responses = AnthropicToResponsesStream(shape, created)

    def read(self, data: str | None) -> list[SSEEvent]:
        """The Responses events for one Chat chunk's ``data``."""
        return self._through(self._chat.read(data))

    def end(self) -> list[SSEEvent]:
        return self._through(self._chat.end()) + self._responses.end()

    def _through(self, events: list[SSEEvent]) -> list[SSEEvent]:
        """The Responses events for the Anthropic ``events``."""
        out: list[SSEEvent] = []
        for event in events:
            out += self._responses.read(event.data)
        return out
