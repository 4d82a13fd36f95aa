"""The format-neutral model: what a policy, the store and the UI see of an exchange.

Every wire format (Anthropic Messages, OpenAI Chat Completions, OpenAI Responses) is read
into these types by an adapter in ``sluice.sidecar.formats`` and written back from them.
Nothing here knows bytes, gRPC or a wire format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeAlias

__all__ = [
    "Block",
    "Format",
    "Message",
    "Request",
    "Response",
    "Text",
    "Thinking",
    "ToolCall",
    "ToolResult",
    "Usage",
]

JSON: TypeAlias = dict[str, Any]


class Format(StrEnum):
    """The wire format of an exchange, decided by the route the request took."""

    ANTHROPIC = "anthropic"  # POST /v1/messages
    OPENAI_CHAT = "openai_chat"  # POST /v1/chat/completions
    OPENAI_RESPONSES = "openai_responses"  # POST /v1/responses


@dataclass(slots=True)
class Text:
    """Visible text the model produced (or a user wrote)."""

    text: str


@dataclass(slots=True)
class Thinking:
    """Reasoning the model produced; ``signature`` is opaque and must be sent back unchanged."""

    text: str
    signature: str | None = None
    redacted: bool = False


@dataclass(slots=True)
class ToolCall:
    """A call the model asks the client to run. ``arguments`` is the JSON text as streamed."""

    id: str
    name: str
    arguments: str

    def parsed_arguments(self) -> Any:
        """The arguments as JSON values; ``{}`` for an empty string."""
        import json

        return json.loads(self.arguments) if self.arguments.strip() else {}


@dataclass(slots=True)
class ToolResult:
    """The client's answer to a tool call, as found in a later request."""

    tool_call_id: str
    content: str
    is_error: bool = False


Block: TypeAlias = Text | Thinking | ToolCall | ToolResult


@dataclass(slots=True)
class Message:
    """One turn of a conversation: ``role`` is ``system``, ``user``, ``assistant`` or ``tool``."""

    role: str
    blocks: list[Block] = field(default_factory=list)


@dataclass(slots=True)
class Usage:
    """Token counts as the provider reported them; ``None`` where it said nothing."""

    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_read_tokens: int | None = None
    cache_creation_tokens: int | None = None
    reasoning_tokens: int | None = None


@dataclass(slots=True)
class Request:
    """A request body read into the neutral model. ``body`` keeps the parsed JSON as sent."""

    format: Format
    model: str | None
    stream: bool
    messages: list[Message]
    tool_names: list[str]
    max_tokens: int | None
    body: JSON


@dataclass(slots=True)
class Response:
    """A whole response (or a finished stream) read into the neutral model."""

    format: Format
    model: str | None = None
    id: str | None = None
    blocks: list[Block] = field(default_factory=list)
    stop_reason: str | None = None
    usage: Usage = field(default_factory=Usage)
