"""OpenAI Chat Completions (``POST /v1/chat/completions``): replies, streams and errors.

A stream is ``data: {chunk}`` lines without ``event:`` names: a first chunk with the
assistant role, ``choices[0].delta.content`` pieces, tool calls opened with id and name and
continued by ``index`` with ``arguments`` pieces, a chunk with ``finish_reason``, a usage
chunk with empty ``choices`` when ``stream_options.include_usage`` is set, and
``data: [DONE]``. Thinking is never shown in this format; it only counts as
``reasoning_tokens``. An in-stream failure is ``data: {"error": {...}}``.

As OpenAI's own API, every chunk of the default ``openai`` personality ends in
``"obfuscation"``, padding of random length (1 to 16 characters here, drawn from the request
id, so the same request gets the same padding), unless the request sets
``stream_options.include_obfuscation: false``.

The ``compatible`` personality answers as OpenAI-compatible servers (vLLM, Ollama, DeepSeek)
do: thinking streams as ``delta.reasoning_content`` (whole: ``message.reasoning_content``),
and chunks carry no ``system_fingerprint``, ``service_tier`` or ``obfuscation``.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from ._errors import ErrorKind, InvalidRequest
from ._ids import BASE62
from ._openai_base import OpenAIFormat
from ._openai_errors import openai_error
from ._openai_validation import check_chat
from ._scripts import Block, TextBlock, ThinkingBlock, ToolCallBlock
from ._sse import SseEvent, json_event

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ._wire import JSON, Turn

__all__ = ["ChatCompletions"]

_TOO_LONG = InvalidRequest(
    "This model's maximum context length is 128000 tokens. However, your messages resulted "
    "in 208310 tokens. Please reduce the length of the messages.",
    param="messages",
    code="context_length_exceeded",
)


class ChatCompletions(OpenAIFormat):
    """The OpenAI Chat Completions wire format (see the module docstring)."""

    too_long = _TOO_LONG

    def check(self, body: JSON) -> None:
        check_chat(body)

    def message(self, turn: Turn) -> JSON:
        blocks = turn.script.blocks
        text = "".join(block.text for block in blocks if isinstance(block, TextBlock))
        message: JSON = {
            "role": "assistant",
            "content": text or None,
            "refusal": None,
            "annotations": [],
        }
        thinking = "".join(b.text for b in blocks if isinstance(b, ThinkingBlock))
        if turn.personality == "compatible" and thinking:
            message["reasoning_content"] = thinking
        calls = [block for block in blocks if isinstance(block, ToolCallBlock)]
        if calls:
            message["tool_calls"] = [
                {
                    "id": turn.ids.make("call_", 24),
                    "type": "function",
                    "function": {"name": call.name, "arguments": call.arguments},
                }
                for call in calls
            ]
        choice = {
            "index": 0,
            "message": message,
            "logprobs": None,
            "finish_reason": _finish_reason(turn),
        }
        return {
            **_envelope(turn, "chat.completion"),
            "choices": [choice],
            "usage": _usage(turn),
        }

    def encoder(self, turn: Turn) -> _Stream:
        return _Stream(turn)


class _Stream:
    def __init__(self, turn: Turn) -> None:
        self._turn = turn
        self._envelope = _envelope(turn, "chat.completion.chunk")
        options = turn.body.get("stream_options")
        self._include_usage = isinstance(options, dict) and options.get("include_usage") is True
        padded = turn.personality != "compatible" and not (
            isinstance(options, dict) and options.get("include_obfuscation") is False
        )
        self._padding = random.Random(turn.request_id) if padded else None
        self._calls: dict[int, int] = {}  # block index -> tool call index

    def start(self) -> Sequence[SseEvent]:
        return [self._chunk({"role": "assistant", "content": "", "refusal": None})]

    def open(self, index: int, block: Block) -> Sequence[SseEvent]:
        if not isinstance(block, ToolCallBlock):
            return []
        self._calls[index] = len(self._calls)
        call = {
            "index": self._calls[index],
            "id": self._turn.ids.make("call_", 24),
            "type": "function",
            "function": {"name": block.name, "arguments": ""},
        }
        return [self._chunk({"tool_calls": [call]})]

    def delta(self, index: int, block: Block, piece: str) -> Sequence[SseEvent]:
        if isinstance(block, TextBlock):
            return [self._chunk({"content": piece})]
        if isinstance(block, ToolCallBlock):
            call = {"index": self._calls[index], "function": {"arguments": piece}}
            return [self._chunk({"tool_calls": [call]})]
        if isinstance(block, ThinkingBlock) and self._turn.personality == "compatible":
            return [self._chunk({"reasoning_content": piece})]
        return []  # OpenAI never streams the model's reasoning here

    def close(self, index: int, block: Block) -> Sequence[SseEvent]:
        return []

    def finish(self) -> Sequence[SseEvent]:
        events = [self._chunk({}, finish_reason=_finish_reason(self._turn))]
        if self._include_usage:
            usage_chunk = {**self._envelope, "choices": [], "usage": _usage(self._turn)}
            events.append(json_event(None, self._padded(usage_chunk)))
        return [*events, SseEvent(None, "[DONE]")]

    def fail(self) -> Sequence[SseEvent]:
        _, body = openai_error(ErrorKind.SERVER, None, _TOO_LONG)
        return [json_event(None, body)]

    def _chunk(self, delta: JSON, finish_reason: str | None = None) -> SseEvent:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
        chunk: JSON = {**self._envelope, "choices": [choice]}
        if self._include_usage:
            chunk["usage"] = None  # as the real API: present but null until the last chunk
        return json_event(None, self._padded(chunk))

    def _padded(self, chunk: JSON) -> JSON:
        """``chunk`` with OpenAI's padding as its last member (see the module docstring)."""
        if self._padding is not None:
            length = self._padding.randint(1, 16)
            chunk["obfuscation"] = "".join(self._padding.choices(BASE62, k=length))
        return chunk


def _envelope(turn: Turn, kind: str) -> JSON:
    envelope: JSON = {
        "id": turn.ids.make("chatcmpl-", 29),
        "object": kind,
        "created": turn.created,
        "model": turn.model,
    }
    if turn.personality != "compatible":
        envelope["service_tier"] = "default"
        envelope["system_fingerprint"] = "fp_5c2f1d0e3a"  # stable per backend, as the real ones
    return envelope


def _finish_reason(turn: Turn) -> str:
    return "tool_calls" if turn.script.calls_tools else "stop"


def _usage(turn: Turn) -> JSON:
    usage = turn.usage
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.prompt_tokens + usage.output_tokens,
        "prompt_tokens_details": {"cached_tokens": usage.cache_read_tokens, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": usage.reasoning_tokens,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }
