"""Edits a policy may make to a request, applied to the request's own wire JSON.

Policies speak the neutral model; these editors know where each wire format keeps the
output-token cap, the tool list and the text of the conversation. They edit the parsed body
in place and remember whether anything changed, so an untouched request is sent as it came.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sluice.model import Format

__all__ = ["RequestEditor", "editor_for"]

JSON = dict[str, Any]

_MAX_TOKENS = {
    Format.ANTHROPIC: "max_tokens",
    Format.OPENAI_CHAT: "max_completion_tokens",
    Format.OPENAI_RESPONSES: "max_output_tokens",
}
_MIN_THINKING = 1024  # Anthropic's smallest thinking budget
# Text parts inside a content list, by the part's "type".
_TEXT_PARTS = {"text", "input_text", "output_text"}


class RequestEditor:
    """Reads and edits one request body of a given format; ``changed`` tells if it did."""

    def __init__(self, fmt: Format, body: JSON) -> None:
        self.format = fmt
        self.body = body
        self.revision = 0  # counts edits, so each policy's own edit can be told apart

    @property
    def changed(self) -> bool:
        return self.revision > 0

    def max_tokens(self) -> int | None:
        """The output-token cap the client asked for, if any."""
        for key in (_MAX_TOKENS[self.format], "max_tokens"):
            value = self.body.get(key)
            if isinstance(value, int):
                return value
        return None

    def set_max_tokens(self, value: int) -> None:
        """Set the output-token cap (under the key the format and the client use)."""
        key = _MAX_TOKENS[self.format]
        if self.format is Format.OPENAI_CHAT and "max_tokens" in self.body:
            key = "max_tokens"  # the older key, still accepted: keep the client's choice
        if self.body.get(key) != value:
            self.body[key] = value
            self.revision += 1
        thinking = self.body.get("thinking")
        if self.format is Format.ANTHROPIC and isinstance(thinking, dict):
            # Anthropic refuses a thinking budget that is not below max_tokens; shrink it with
            # the cap, down to the provider's minimum of 1024 (below that the cap cannot hold).
            budget = thinking.get("budget_tokens")
            if isinstance(budget, int) and budget >= value and value - 1 >= _MIN_THINKING:
                thinking["budget_tokens"] = value - 1
                self.revision += 1

    def tool_names(self) -> list[str]:
        """The names of the tools offered to the model, in order."""
        return [_tool_name(tool) for tool in self._tools()]

    def keep_tools(self, keep: Callable[[int, str], bool]) -> None:
        """Keep only the tools for which ``keep(position, name)`` is true."""
        tools = self._tools()
        kept = [tool for i, tool in enumerate(tools) if keep(i, _tool_name(tool))]
        if len(kept) != len(tools):
            self.body["tools"] = kept
            self.revision += 1

    def message_count(self) -> int:
        """How many messages (or Responses input items) the conversation holds."""
        key = "input" if self.format is Format.OPENAI_RESPONSES else "messages"
        value = self.body.get(key)
        return len(value) if isinstance(value, list) else 1 if isinstance(value, str) else 0

    def map_text(self, edit: Callable[[str], str]) -> None:
        """Apply ``edit`` to every piece of text in the system prompt and the conversation."""
        for key in ("system", "instructions", "messages", "input"):
            if key in self.body:
                self.body[key] = self._map(self.body[key], edit)

    def _map(self, value: Any, edit: Callable[[str], str]) -> Any:
        if isinstance(value, str):
            new = edit(value)
            self.revision += new != value
            return new
        if isinstance(value, list):
            return [self._map(item, edit) for item in value]
        if isinstance(value, dict):
            if value.get("type") in _TEXT_PARTS and isinstance(value.get("text"), str):
                return value | {"text": self._map(value["text"], edit)}
            if "content" in value:  # a message: its content is text or a list of parts
                return value | {"content": self._map(value["content"], edit)}
        return value

    def _tools(self) -> list[JSON]:
        tools = self.body.get("tools")
        return [t for t in tools if isinstance(t, dict)] if isinstance(tools, list) else []


def _tool_name(tool: JSON) -> str:
    function = tool.get("function")
    if isinstance(function, dict):  # Chat Completions nests the name
        return str(function.get("name", ""))
    return str(tool.get("name", ""))


def editor_for(fmt: Format, body: JSON) -> RequestEditor:
    """An editor for ``body``, a request of format ``fmt``."""
    return RequestEditor(fmt, body)
