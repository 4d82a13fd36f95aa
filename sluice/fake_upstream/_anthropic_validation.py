"""Checks the Anthropic Messages API makes on a request, worded as it words them.

Only what a gateway can get wrong when it rewrites a conversation is checked: required
fields, roles, empty content, tool calls answered by results with the same ids in the next
turn, a tool call being the last content of its turn, unique tool names, and thinking blocks
sent back unaltered (by their signatures). Consecutive messages of one role are merged
first, as the API merges them; ``system`` entries inside ``messages`` (Claude Code sends
them) take no part in that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._errors import InvalidRequest
from ._signature import signature_matches

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ._wire import JSON

__all__ = ["check_anthropic"]


@dataclass
class _Part:
    message: int  # index in the request's ``messages``
    content: int  # index in that message's content
    block: JSON


@dataclass
class _Turn:
    """Consecutive messages of one role, merged as the API merges them."""

    role: str
    first: int
    parts: list[_Part] = field(default_factory=list)

    def of_type(self, kind: str) -> Iterator[_Part]:
        return (part for part in self.parts if part.block.get("type") == kind)


def check_anthropic(body: JSON, *, count_tokens: bool = False) -> None:
    """Check a Messages request; ``count_tokens`` relaxes what that endpoint does not need."""
    required = ("model", "messages") if count_tokens else ("model", "max_tokens", "messages")
    for name in required:
        if name not in body:
            raise InvalidRequest(f"{name}: Field required")
    messages = body["messages"]
    if not isinstance(messages, list):
        raise InvalidRequest("messages: Input should be a valid list")
    if not messages:
        raise InvalidRequest("messages: List should have at least 1 item after validation, not 0")
    _check_thinking_budget(body)
    tools = body.get("tools")
    if isinstance(tools, list):
        names = [tool.get("name") for tool in tools if isinstance(tool, dict)]
        if len(names) != len(set(names)):
            raise InvalidRequest("tools: Tool names must be unique")
    turns = _merge(messages)
    for number, turn in enumerate(turns):
        after = turns[number + 1] if number + 1 < len(turns) else None
        if turn.role == "assistant":
            _check_tool_uses(turn, after)
        else:
            before = turns[number - 1] if number > 0 else None
            _check_tool_results(turn, before)


def _check_thinking_budget(body: JSON) -> None:
    thinking = body.get("thinking")
    if not isinstance(thinking, dict) or thinking.get("type") != "enabled":
        return
    budget, max_tokens = thinking.get("budget_tokens"), body.get("max_tokens")
    if isinstance(budget, int) and isinstance(max_tokens, int) and budget >= max_tokens:
        raise InvalidRequest("`max_tokens` must be greater than `thinking.budget_tokens`")


def _merge(messages: list[Any]) -> list[_Turn]:
    turns: list[_Turn] = []
    last = len(messages) - 1
    for index, message in enumerate(messages):
        if not isinstance(message, dict):
            raise InvalidRequest(f"messages.{index}: Input should be a valid dictionary")
        role = message.get("role")
        if role == "system":
            continue  # Claude Code interleaves these; they take no part in alternation
        if role not in ("user", "assistant"):
            raise InvalidRequest(f"messages.{index}.role: Input should be 'user' or 'assistant'")
        if "content" not in message:
            raise InvalidRequest(f"messages.{index}.content: Field required")
        blocks = _content_blocks(index, message["content"])
        if not blocks and not (role == "assistant" and index == last):
            raise InvalidRequest(
                f"messages.{index}: all messages must have non-empty content except for the "
                "optional final assistant message"
            )
        if not turns or turns[-1].role != role:
            turns.append(_Turn(role, index))
        turns[-1].parts += [_Part(index, number, block) for number, block in enumerate(blocks)]
    return turns


def _content_blocks(index: int, content: Any) -> list[JSON]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    if not isinstance(content, list):
        raise InvalidRequest(f"messages.{index}.content: Input should be a valid list")
    for number, block in enumerate(content):
        where = f"messages.{index}.content.{number}"
        if not isinstance(block, dict) or "type" not in block:
            raise InvalidRequest(f"{where}.type: Field required")
        if block["type"] == "text" and block.get("text") == "":
            raise InvalidRequest(f"{where}.text: text content blocks must be non-empty")
        if block["type"] == "thinking":
            signature = block.get("signature")
            if not isinstance(signature, str):
                raise InvalidRequest(f"{where}.signature: Field required")
            if not signature_matches(str(block.get("thinking", "")), signature):
                raise InvalidRequest(f"{where}: Invalid `signature` in `thinking` block")
    return list(content)


def _check_tool_uses(turn: _Turn, after: _Turn | None) -> None:
    uses = list(turn.of_type("tool_use"))
    if not uses:
        return
    where = after.first if after is not None else turn.first
    kinds = [part.block.get("type") for part in turn.parts]
    tail = max((n for n, kind in enumerate(kinds) if kind != "tool_use"), default=-1)
    # A tool call followed by other content in its turn is unanswerable: its result would
    # have to come before that content. The API reports it as a missing result.
    stranded = [part for n, part in enumerate(turn.parts) if kinds[n] == "tool_use" and n < tail]
    answered = (
        {part.block.get("tool_use_id") for part in after.of_type("tool_result")} if after else set()
    )
    missing = stranded or [part for part in uses if part.block.get("id") not in answered]
    if missing:
        ids = ", ".join(str(part.block.get("id")) for part in missing)
        raise InvalidRequest(
            f"messages.{where}: `tool_use` ids were found without `tool_result` blocks "
            f"immediately after: {ids}. Each `tool_use` block must have a corresponding "
            "`tool_result` block in the next message."
        )


def _check_tool_results(turn: _Turn, before: _Turn | None) -> None:
    called = {part.block.get("id") for part in before.of_type("tool_use")} if before else set()
    for part in turn.of_type("tool_result"):
        tool_use_id = part.block.get("tool_use_id")
        if tool_use_id not in called:
            raise InvalidRequest(
                f"messages.{part.message}.content.{part.content}: unexpected `tool_use_id` "
                f"found in `tool_result` blocks: {tool_use_id}. Each `tool_result` block must "
                "have a corresponding `tool_use` block in the previous message."
            )
