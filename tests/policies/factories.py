"""Hooks built from plain objects, for testing a policy without a gateway.

hook = tool_call_hook("Bash", {"command": "rm -rf /"})
await MyPolicy.configure({}).tool_call(hook)
assert hook.blocked
"""

from __future__ import annotations

import json
from typing import Any

from sluice.hooks import (
    EndHook,
    ExchangeContext,
    RequestHook,
    ResponseHook,
    TextDeltaHook,
    TextHook,
    ToolCallHook,
)
from sluice.model import Format, Response, Text, ToolCall
from sluice.policy import Policy
from sluice.sidecar.formats import adapter_for
from sluice.sidecar.formats.edits import RequestEditor

__all__ = [
    "anthropic_body",
    "context",
    "end_hook",
    "request_hook",
    "response_hook",
    "stream_text",
    "text_delta_hook",
    "text_hook",
    "tool_call_hook",
]


def anthropic_body(**fields: Any) -> dict[str, Any]:
    """A small Anthropic Messages request body; ``fields`` override or add keys."""
    body: dict[str, Any] = {
        "model": "claude-sonnet-4-6",
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": "hello"}],
    }
    return body | fields


def context(
    fmt: Format = Format.ANTHROPIC,
    body: dict[str, Any] | None = None,
    *,
    session: str | None = "session-1",
    client: str | None = "fp-test",
) -> ExchangeContext:
    """The context of an exchange whose request is ``body`` (a default Anthropic one)."""
    raw = json.dumps(body or anthropic_body()).encode()
    request = adapter_for(fmt).parse_request(raw)
    path = {
        Format.ANTHROPIC: "/v1/messages",
        Format.OPENAI_CHAT: "/v1/chat/completions",
        Format.OPENAI_RESPONSES: "/v1/responses",
    }[fmt]
    return ExchangeContext(fmt, path, request, client=client, session=session)


def request_hook(body: dict[str, Any] | None = None, fmt: Format = Format.ANTHROPIC) -> RequestHook:
    """A request hook whose edits apply to ``body`` (inspect ``hook.edits.body`` after)."""
    ctx = context(fmt, body)
    raw = json.dumps(ctx.request.body).encode()
    return RequestHook(ctx, RequestEditor(fmt, ctx.request.body), size=len(raw))


def tool_call_hook(
    name: str, arguments: dict[str, Any] | str, call_id: str = "toolu_1"
) -> ToolCallHook:
    """A tool call hook for a call of ``name`` with ``arguments`` (a dict, or raw JSON text)."""
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return ToolCallHook(context(), ToolCall(call_id, name, text))


def text_hook(text: str) -> TextHook:
    return TextHook(context(), text)


def text_delta_hook(text: str, final: bool = True) -> TextDeltaHook:
    """A ``text_delta`` hook holding ``text`` (by default a whole block: ``final``)."""
    return TextDeltaHook(context(), text, final=final)


async def stream_text(policy: Policy[Any], pieces: list[str]) -> tuple[str, int]:
    """``pieces`` of one text block through ``policy.text_delta`` as the gateway streams
    them (window, lookback, release): the text the client gets, and the most characters
    held back at once."""
    held, out, most = "", [], 0
    for piece in [*pieces, None]:
        final = piece is None
        held += piece or ""
        floor = len(held) if final else max(0, len(held) - policy.lookback)
        hook = TextDeltaHook(context(), held, final=final, floor=floor)
        await policy.text_delta(hook)  # type: ignore[attr-defined]
        settled = max(hook.settled, hook.floor)
        out.append(hook.text[:settled])
        held = hook.text[settled:]
        most = max(most, len(held))
    return "".join(out), most


def end_hook() -> EndHook:
    return EndHook(context())


def response_hook(*texts: str) -> ResponseHook:
    response = Response(Format.ANTHROPIC, blocks=[Text(t) for t in texts], stop_reason="end_turn")
    return ResponseHook(context(), response)
