"""Reading the ``x-fake-*`` request headers: which script answers, and how it is delivered.

The headers are documented in the package docstring. A malformed one raises
``InvalidRequest`` naming the header, which the app answers with a 400 in the format of the
endpoint called, so a mistyped test fails loudly instead of testing the default.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ._errors import InvalidRequest
from ._failures import failure_now
from ._judge import JUDGE_SLOW_DELAY_MS, last_user_text
from ._scripts import (
    DEFAULT_LONG_EVENTS,
    SCRIPT_NAMES,
    TOOL_SCRIPTS,
    Script,
    ToolCall,
    build_script,
)
from ._shaping import LINE_ENDINGS, Chunking, Shaping

if TYPE_CHECKING:
    from collections.abc import Mapping

    from aiohttp import web
    from multidict import CIMultiDictProxy

__all__ = ["Directives", "read_directives", "read_request", "returns_tool_results"]


@dataclass(frozen=True, slots=True)
class Directives:
    """What the headers of one request ask of the fake upstream."""

    script: Script
    shaping: Shaping
    delay_ms: int = 0  # wait before answering at all
    personality: str = "openai"  # or "compatible" (an OpenAI-compatible server)
    content_type: str | None = None  # the label to send instead of the right one


def read_directives(
    headers: CIMultiDictProxy[str], model: object, *, prompt: str = "", after_tools: bool = False
) -> Directives:
    """Read the ``x-fake-*`` headers; ``model`` is the request body's model field, ``prompt``
    the text of its last user message (what the judge scripts judge), ``after_tools`` whether
    that message returns tool results (see ``returns_tool_results``)."""
    calls = [call for value in headers.getall("x-fake-tool", []) for call in _tool_calls(value)]
    source, name = "x-fake-script", headers.get("x-fake-script")
    if after_tools and "x-fake-after-tools" in headers:  # x-fake-tool was the turn before
        source, name, calls = "x-fake-after-tools", headers["x-fake-after-tools"], []
    if name is None:
        by_model = isinstance(model, str) and model in SCRIPT_NAMES
        name = str(model) if by_model else "tools" if calls else "text"
    if name not in SCRIPT_NAMES:
        raise InvalidRequest(f"{source}: unknown script {name!r}; known: {', '.join(SCRIPT_NAMES)}")
    if calls and name not in TOOL_SCRIPTS:
        raise InvalidRequest(f"x-fake-tool: script {name!r} makes no tool calls")
    events = _integer(headers, "x-fake-events", DEFAULT_LONG_EVENTS, minimum=1)
    text = headers.get("x-fake-text")
    script = build_script(name, tool_calls=calls, events=events, prompt=prompt, text=text)
    slow = JUDGE_SLOW_DELAY_MS if name == "judge_slow" else 0
    delay_ms = _integer(headers, "x-fake-delay-ms", slow, minimum=0)
    shaping = Shaping(
        pace_ms=_integer(headers, "x-fake-pace-ms", 0, minimum=0),
        chunking=Chunking(
            _choice(headers, "x-fake-chunking", [c.value for c in Chunking], "whole")
        ),
        line_ending=LINE_ENDINGS[_choice(headers, "x-fake-line-ending", list(LINE_ENDINGS), "lf")],
        seed=_integer(headers, "x-fake-seed", 0, minimum=0),
    )
    personality = _choice(headers, "x-fake-personality", ["openai", "compatible"], "openai")
    content_type = headers.get("x-fake-content-type")
    return Directives(script, shaping, delay_ms, personality, content_type)


def returns_tool_results(body: Mapping[str, object]) -> bool:
    """Whether the last message of an Anthropic, Chat Completions or Responses body returns
    tool results: an agent's turn after its tools ran.

    >>> returns_tool_results({"messages": [{"role": "tool", "content": "ok"}]})
    True
    """
    messages = body.get("messages", body.get("input"))
    if not isinstance(messages, list) or not messages or not isinstance(messages[-1], dict):
        return False
    last = messages[-1]
    if last.get("role") == "tool" or last.get("type") == "function_call_output":
        return True
    content = last.get("content")
    return (
        last.get("role") == "user"
        and isinstance(content, list)
        and any(isinstance(part, dict) and part.get("type") == "tool_result" for part in content)
    )


def _tool_calls(value: str) -> list[ToolCall]:
    """The calls in one ``x-fake-tool`` header: one JSON object, or an array of them."""
    try:
        parsed = json.loads(value)
        calls = [_tool_call(call) for call in (parsed if isinstance(parsed, list) else [parsed])]
    except (ValueError, TypeError, KeyError):
        raise InvalidRequest(
            'x-fake-tool: expected {"name": str, "arguments": object or JSON object text} '
            f"or an array of them, got {value!r}"
        ) from None
    return calls


def _tool_call(call: dict[str, object]) -> ToolCall:
    name, arguments = call["name"], call.get("arguments", {})
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    if not isinstance(name, str) or not isinstance(json.loads(text), dict):
        raise TypeError(call)
    return ToolCall(name, text)


def _integer(headers: Mapping[str, str], name: str, default: int, *, minimum: int) -> int:
    value = headers.get(name)
    if value is None:
        return default
    if not value.strip().isdigit() or int(value) < minimum:
        raise InvalidRequest(f"{name}: expected an integer >= {minimum}, got {value!r}")
    return int(value)


def _choice(headers: Mapping[str, str], name: str, choices: list[str], default: str) -> str:
    value = headers.get(name, default).lower()
    if value not in choices:
        raise InvalidRequest(f"{name}: expected one of {', '.join(choices)}, got {value!r}")
    return value


def read_request(request: web.Request, model: object, body: dict[str, Any]) -> Directives:
    """The directives of a request with the parsed ``body``: its headers, the text of its
    last user message, whether it returns tool results, and, when ``x-fake-fail-first``
    says this one fails, the failure as its script."""
    directives = read_directives(
        request.headers,
        model,
        prompt=last_user_text(body),
        after_tools=returns_tool_results(body),
    )
    failure = failure_now(request)
    return directives if failure is None else replace(directives, script=failure)
