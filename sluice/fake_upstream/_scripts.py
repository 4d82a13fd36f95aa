"""What the fake model says: scripts, written once and rendered in every wire format.

A ``Script`` is a list of blocks (text, thinking, tool call), each already cut into the
pieces a stream delivers as deltas, plus an optional failure: an HTTP error instead of a
reply, or a fault part-way through a stream. The wire-format modules turn a script into
Anthropic Messages, OpenAI Chat Completions or OpenAI Responses, streamed or whole.

The scripts themselves (``SCRIPT_NAMES``) are described in the package docstring. The
fault scripts fail only streams; a non-streaming request gets the whole reply, which is
what a client such as Claude Code gets when it retries a failed stream without ``stream``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, TypeAlias

from ._errors import ErrorKind
from ._judge import judge_answer
from ._signature import thinking_signature

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "DEFAULT_LONG_EVENTS",
    "JUDGE_SCRIPTS",
    "SCRIPT_NAMES",
    "TOOL_SCRIPTS",
    "Block",
    "FaultKind",
    "Script",
    "StreamFault",
    "TextBlock",
    "ThinkingBlock",
    "ToolCall",
    "ToolCallBlock",
    "build_script",
]


@dataclass(frozen=True, slots=True)
class TextBlock:
    """Visible text, streamed as one delta per piece."""

    pieces: tuple[str, ...]

    @property
    def text(self) -> str:
        return "".join(self.pieces)


@dataclass(frozen=True, slots=True)
class ThinkingBlock:
    """Reasoning, streamed as deltas; its signature is derived from the text."""

    pieces: tuple[str, ...]

    @property
    def text(self) -> str:
        return "".join(self.pieces)

    @property
    def signature(self) -> str:
        return thinking_signature(self.text)


@dataclass(frozen=True, slots=True)
class ToolCallBlock:
    """A tool call whose argument JSON is streamed in ``pieces``."""

    name: str
    pieces: tuple[str, ...]

    @property
    def arguments(self) -> str:
        return "".join(self.pieces)


Block: TypeAlias = TextBlock | ThinkingBlock | ToolCallBlock


class FaultKind(StrEnum):
    """How a stream goes wrong part-way."""

    ERROR_EVENT = "error_event"  # the provider's in-stream error event, then the end
    MALFORMED = "malformed"  # one event's JSON cut in half, then the stream goes on
    EARLY_CLOSE = "early_close"  # the connection drops without finishing the response


@dataclass(frozen=True, slots=True)
class StreamFault:
    """A fault that strikes at the delta numbered ``after_deltas`` (from 0, all blocks)."""

    kind: FaultKind
    after_deltas: int


@dataclass(frozen=True, slots=True)
class Script:
    """One scripted reply. ``error`` replaces the reply with an HTTP error."""

    name: str
    blocks: tuple[Block, ...] = ()
    error: ErrorKind | None = None
    fault: StreamFault | None = None

    @property
    def calls_tools(self) -> bool:
        return any(isinstance(block, ToolCallBlock) for block in self.blocks)


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A tool call a test asks for: ``arguments`` is the JSON text, sent as given."""

    name: str
    arguments: str


DEFAULT_LONG_EVENTS = 200

DEFAULT_TOOL_CALLS = (
    ToolCall("Bash", json.dumps({"command": "ls -la"})),
    ToolCall("Read", json.dumps({"file_path": "/etc/hosts"})),
)

# Non-ASCII on purpose: split delivery must cut multi-byte UTF-8 sequences.
_ANSWER = (
    "Here is a short answer from the fake upstream.",
    " It is scripted, so every run sees the same words —",
    " café, naïve and 🚀 included.",
    " Nothing from your request is echoed back.",
)
_PREAMBLE = ("I'll look at the directory", " and the hosts file first.")
_THOUGHT = (
    "The user wants a brief reply.",
    " I should keep it short",
    " and check nothing else.",
)
_VOCABULARY = ("lorem", "ipsum", "dolor", "sit", "amet", "—", "déjà", "vu", "∑", "🚀")

_FAULTS = {
    "midstream_error": FaultKind.ERROR_EVENT,
    "malformed": FaultKind.MALFORMED,
    "early_close": FaultKind.EARLY_CLOSE,
}
_ERRORS = {
    "error_400": ErrorKind.INVALID_REQUEST,
    "error_429": ErrorKind.RATE_LIMIT,
    "error_500": ErrorKind.SERVER,
    "error_529": ErrorKind.OVERLOADED,
}
JUDGE_SCRIPTS = ("judge", "judge_slow", "judge_error")
SCRIPT_NAMES = (
    "text",
    "long",
    "tools",
    "thinking",
    "thinking_tools",
    *_ERRORS,
    *_FAULTS,
    *JUDGE_SCRIPTS,
)
TOOL_SCRIPTS = frozenset({"tools", "thinking_tools", "long", *_FAULTS})


def build_script(
    name: str,
    *,
    tool_calls: Sequence[ToolCall] = (),
    events: int = DEFAULT_LONG_EVENTS,
    prompt: str = "",
    text: str | None = None,
) -> Script:
    """The script called ``name``.

    ``tool_calls`` replaces the default Bash and Read calls of the scripts that call tools
    (``long`` calls only these); ``events`` is the number of text deltas of ``long``;
    ``prompt`` is what the judge scripts judge (the request's last user message); ``text``
    replaces the answer of ``text`` and the text before the tool calls. Raises ``KeyError``
    for a name not in ``SCRIPT_NAMES``.
    """
    calls = tuple(_tool_call(call) for call in tool_calls or DEFAULT_TOOL_CALLS)
    preamble = TextBlock(_PREAMBLE if text is None else _quarters(text))
    if name == "text":
        return Script(name, (TextBlock(_ANSWER if text is None else _quarters(text)),))
    if name == "long":  # tool calls only when asked for (x-fake-tool), after all the text
        asked = tuple(_tool_call(call) for call in tool_calls)
        return Script(name, (TextBlock(_long_pieces(events)), *asked))
    if name == "thinking":
        return Script(name, (ThinkingBlock(_THOUGHT), TextBlock(_ANSWER)))
    if name == "tools":
        return Script(name, (preamble, *calls))
    if name == "thinking_tools":
        return Script(name, (ThinkingBlock(_THOUGHT), preamble, *calls))
    if name in ("judge", "judge_slow"):  # judge_slow differs by its delay (see _directives)
        return Script(name, (TextBlock(_quarters(judge_answer(prompt))),))
    if name == "judge_error":
        return Script(name, error=ErrorKind.SERVER)
    if name in _FAULTS:
        # After one text delta: the client has seen output, so a retry is not transparent.
        return Script(name, (preamble, *calls), fault=StreamFault(_FAULTS[name], 1))
    return Script(name, error=_ERRORS[name])


def _tool_call(call: ToolCall) -> ToolCallBlock:
    """Cut the argument JSON in about four pieces, as models stream it."""
    return ToolCallBlock(call.name, _quarters(call.arguments))


def _quarters(text: str) -> tuple[str, ...]:
    size = max(1, -(-len(text) // 4))
    return tuple(text[i : i + size] for i in range(0, len(text), size))


def _long_pieces(events: int) -> tuple[str, ...]:
    words = len(_VOCABULARY)
    return tuple(
        f"{_VOCABULARY[i % words]} {_VOCABULARY[(i * 7 + 3) % words]}"
        + (".\n" if i % 10 == 9 else " ")
        for i in range(events)
    )
