"""The events a policy can handle, each declared once.

A policy handles an event by defining an async method of the event's name that takes the
event object: ``async def tool_call(self, hook: ToolCallHook) -> None``. An event a policy
does not define is an event it ignores, and costs the stream nothing: text is held back
until a block is complete only if some policy in the chain defines ``text``, a few
characters at a time only if one defines ``text_delta``, and a tool call only if some
policy defines ``tool_call``.

Every event carries the :class:`ExchangeContext` it belongs to. Each docstring says when the
event fires and what may still be changed. The same events fire for every wire format,
streamed or not.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Protocol

from sluice.model import Format, Request, Response, ToolCall

__all__ = [
    "HOOKS",
    "EndHook",
    "Escalation",
    "ExchangeContext",
    "Hook",
    "RequestEdits",
    "RequestHook",
    "ResponseHook",
    "TextDeltaHook",
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
class TextDeltaHook(Hook):
    """More text of a block arrived: the text a policy reads as it streams, the cheap choice.

    Fires for each piece of a streamed text block, and where the block ends, if text is still
    held, once more with ``final`` set; a whole (non-streamed) body, or a chain that also has
    a ``text`` hook, fires it once per text block, ``final`` set.
    ``text`` is the window the gateway still holds: what the chain held back last time, then
    the new piece. After the chain ran, ``text[:settled]`` goes to the client and the rest is
    offered again with the next piece. ``settled`` starts at the end of the window (release
    it all); each policy lowers it with :meth:`hold` to where something it looks for may
    begin but is not complete yet (the first characters of a secret). The gateway keeps at
    most the chain's declared lookback (the largest ``Policy.lookback``) from the end of the
    window, whatever a policy asks: a policy must declare the longest text it may need to
    see whole to decide.

    May change: the text before ``settled``, through :meth:`replace`. A replacement that
    reaches past ``settled`` goes to the client whole, with ``settled`` moved to its end, so
    no policy sees a replacement twice. When ``final``, nothing is held: every match counts.
    """

    name: ClassVar[str] = "text_delta"
    exchange: ExchangeContext
    text: str
    final: bool = False
    settled: int = -1  # -1: the end of the window
    floor: int = 0  # text before it is released whatever a policy holds (the lookback bound)

    def __post_init__(self) -> None:
        if self.settled < 0:
            self.settled = len(self.text)

    def hold(self, position: int) -> None:
        """Hold back the text from ``position`` on (no earlier than the lookback allows)."""
        if not self.final:
            self.settled = max(min(self.settled, position), self.floor, 0)

    def replace(self, start: int, end: int, new: str) -> None:
        """Replace ``text[start:end]`` with ``new``; ``start`` must be before ``settled``.

        Replace from the last match to the first, so earlier positions stay valid.
        """
        if not 0 <= start < self.settled or end < start or end > len(self.text):
            raise ValueError(f"span {start}:{end} is not before settled={self.settled}")
        self.text = self.text[:start] + new + self.text[end:]
        delta, after = len(new) - (end - start), start + len(new)
        self.settled = self.settled + delta if end <= self.settled else after
        # A replacement is released in this call, never held and offered again.
        self.floor = self.floor + delta if self.floor >= end else after


@dataclass(frozen=True, slots=True)
class Escalation:
    """A person is to decide on a tool call: why, and what happens if nobody does in time.

    ``deadline_s`` and ``on_deadline`` are ``None`` for the review queue's defaults
    (``reviews.deadline_s``, ``reviews.on_deadline``).
    """

    reason: str
    policy: str = ""  # set by the chain: which policy asked
    deadline_s: float | None = None
    on_deadline: Literal["deny", "allow"] | None = None


@dataclass(slots=True)
class ToolCallHook(Hook):
    """A tool call of the response is complete, arguments and all, and has not reached the
    client.

    May change: :meth:`block` it (the client gets a text block saying which call was blocked
    and why, in its place), :meth:`escalate` it to a person, or :meth:`rewrite` its
    arguments. A block stops later policies; an escalation does not (a later policy may
    still block the call, and then nobody is asked).
    """

    name: ClassVar[str] = "tool_call"
    exchange: ExchangeContext
    call: ToolCall
    blocked: str | None = None
    escalated: Escalation | None = None

    def block(self, reason: str) -> None:
        """Keep the call from the client; ``reason`` is shown to the user."""
        self.blocked = reason

    def escalate(
        self,
        reason: str,
        *,
        deadline_s: float | None = None,
        on_deadline: Literal["deny", "allow"] | None = None,
    ) -> None:
        """Let a person decide: the call waits in the review queue (the client's stream
        kept alive meanwhile) until a reviewer approves it (it goes on unchanged) or denies
        it (blocked, with the reviewer's note), or until ``deadline_s`` passes
        (``on_deadline`` then decides; deny by default: fail closed). Without a review
        queue configured, an escalation blocks the call with ``reason``. The first
        escalation's reason is the one shown to the reviewer.
        """
        if deadline_s is not None and deadline_s <= 0:
            raise ValueError(f"deadline_s must be positive, not {deadline_s}")
        if self.escalated is None:
            self.escalated = Escalation(reason, "", deadline_s, on_deadline)

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


HOOKS: tuple[type[Hook], ...] = (
    RequestHook,
    TextHook,
    TextDeltaHook,
    ToolCallHook,
    EndHook,
    ResponseHook,
)
