"""The events a policy can handle, each declared once.

A policy handles an event by defining an async method of the event's name that takes the
event object: ``async def tool_call(self, hook: ToolCallHook) -> None``. An event a policy
does not define is an event it ignores, and costs the stream nothing: text is held back
until a block is complete only if some policy in the chain defines ``text``, and a tool call
only if some policy defines ``tool_call``.

Every event carries the :class:`ExchangeContext` it belongs to. Each docstring says when the
event fires and what may still be changed. The same events fire for every wire format,
streamed or not.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from sluice.model import Format, Request, Response, ToolCall

__all__ = [
    "HOOKS",
    "EndHook",
    "ExchangeContext",
    "Hook",
    "RequestEdits",
    "RequestHook",
    "ResponseHook",
    "TextHook",
    "ToolCallHook",
]


@dataclass(slots=True)
class ExchangeContext:
    """Who is asking what: the context every event carries. Read-only for policies.

    ``user`` and ``team`` are who the gateway authenticated (``auth:``: the Sluice key's
    owner and team, or the token's claims); in passthrough mode ``user`` is ``None`` and
    ``team`` the value of the configured team header. ``client`` is what per-client limits
    count: the user, else the API key's short fingerprint (never the key). ``session`` is
    the conversation's id (from the client, else a stable hash of its first message),
    ``headers`` the request headers without credentials.
    """

    format: Format
    path: str
    request: Request
    client: str | None = None
    team: str | None = None
    user: str | None = None
    session: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


class Hook:
    """Base of every event: ``name`` is the policy method that handles it."""

    name: ClassVar[str]


class RequestEdits(Protocol):
    """The edits a policy can make to a request, whatever its wire format."""

    revision: int  # counts the edits made so far (the chain tells who changed what by it)

    def max_tokens(self) -> int | None:
        """The output-token cap the client asked for, if any."""
        ...

    def set_max_tokens(self, value: int) -> None:
        """Set the output-token cap."""
        ...

    def tool_names(self) -> list[str]:
        """The names of the tools offered to the model, in order."""
        ...

    def keep_tools(self, keep: Callable[[int, str], bool]) -> None:
        """Keep only the tools for which ``keep(position, name)`` is true."""
        ...

    def message_count(self) -> int:
        """How many messages the conversation holds."""
        ...

    def map_text(self, edit: Callable[[str], str]) -> None:
        """Apply ``edit`` to every piece of text in the system prompt and the conversation."""
        ...


@dataclass(slots=True)
class RequestHook(Hook):
    """The whole request body arrived; the provider has not been called yet.

    May change: the request, through ``edits`` (the output-token cap, the tools offered,
    the text of the conversation); the provider receives the edited request. Or
    :meth:`refuse` it: the client then gets a 400 ``invalid_request_error`` in its own format
    with ``reason``, and later policies do not run. ``size`` is the body's size in bytes.
    """

    name: ClassVar[str] = "request"
    exchange: ExchangeContext
    edits: RequestEdits
    size: int = 0
    refused: str | None = None

    def refuse(self, reason: str) -> None:
        """Answer the client with ``reason`` instead of calling the provider."""
        self.refused = reason


@dataclass(slots=True)
class TextHook(Hook):
    """A text block of the response is complete (streamed: held until its last delta).

    May change: ``text``. The client receives the block with the text the last policy left.
    """

    name: ClassVar[str] = "text"
    exchange: ExchangeContext
    text: str


@dataclass(slots=True)
class ToolCallHook(Hook):
    """A tool call of the response is complete, arguments and all, and has not reached the
    client.

    May change: :meth:`block` it (the client gets a text block saying which call was blocked
    and why, in its place), or :meth:`rewrite` its arguments. A block stops later policies.
    """

    name: ClassVar[str] = "tool_call"
    exchange: ExchangeContext
    call: ToolCall
    blocked: str | None = None

    def block(self, reason: str) -> None:
        """Keep the call from the client; ``reason`` is shown to the user."""
        self.blocked = reason

    def rewrite(self, arguments: Mapping[str, Any]) -> None:
        """Replace the call's arguments (serialised as JSON)."""
        self.call = ToolCall(self.call.id, self.call.name, json.dumps(arguments))

    def arguments(self) -> Any:
        """The call's arguments as JSON values (``{}`` when empty; the raw text if invalid)."""
        try:
            return self.call.parsed_arguments()
        except json.JSONDecodeError:
            return self.call.arguments


@dataclass(slots=True)
class EndHook(Hook):
    """The model's content is complete; the response's end (stop reason, usage) has not
    reached the client yet.

    May change: :meth:`add_text` adds a text block after the content and before any tool
    call (tool calls stay last, as Anthropic requires). Defining this hook holds tool calls
    back until the end of the response.
    """

    name: ClassVar[str] = "end"
    exchange: ExchangeContext
    added: list[str] = field(default_factory=list)

    def add_text(self, text: str) -> None:
        """Add a text block with ``text`` to the end of the response's content."""
        self.added.append(text)


@dataclass(slots=True)
class ResponseHook(Hook):
    """The response is complete and delivered. For observing: usage, final content, outcome.

    May change: nothing; the client already has every byte.
    """

    name: ClassVar[str] = "response"
    exchange: ExchangeContext
    response: Response


HOOKS: tuple[type[Hook], ...] = (RequestHook, TextHook, ToolCallHook, EndHook, ResponseHook)
