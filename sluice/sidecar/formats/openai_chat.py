"""OpenAI Chat Completions (``POST /v1/chat/completions``) to and from the neutral model.

This module is the format's :class:`~sluice.sidecar.formats.Adapter`: request and response
bodies here, the stream in :mod:`._openai_chat_stream`, and the stream's tool calls alone
(for a chain that reads nothing else) in :mod:`._openai_chat_calls`. The neutral stop reasons are
translated: ``stop`` -> ``end_turn``, ``tool_calls`` -> ``tool_use``, ``length`` ->
``max_tokens``, ``content_filter`` -> ``refusal``; and back.
"""

from __future__ import annotations

from sluice.model import (
    Block,
    Format,
    Message,
    Request,
    Response,
    Text,
    ToolCall,
    ToolResult,
    Usage,
)
from sluice.sidecar.formats._blocks import merge_items
from sluice.sidecar.formats._json import (
    JSON,
    at,
    dump,
    load_object,
    need,
    objects,
    opt,
    read_usage,
    wrong,
)
from sluice.sidecar.formats._openai import error_body
from sluice.sidecar.formats._openai_chat_calls import ChatCalls
from sluice.sidecar.formats._openai_chat_stream import STOP, USAGE, ChatStream, finish_reason

__all__ = [
    "ChatStream",
    "call_scan",
    "error_body",
    "parse_message",
    "parse_request",
    "parse_response",
    "render_response",
    "stream_decoder",
]


def parse_request(body: bytes) -> Request:
    """Read a Chat Completions request body.

    ``developer`` messages count as ``system``; a ``tool`` message becomes a ``tool`` message
    holding one :class:`ToolResult`. ``max_completion_tokens`` wins over ``max_tokens``.
    Raises :class:`FormatError` naming the JSON path of the first problem.
    """
    obj = load_object(body)
    messages = [
        _message(m, path) for path, m in objects(need(obj, "messages", list, ""), "messages")
    ]
    tools = [_tool_name(t, path) for path, t in objects(opt(obj, "tools", list, "") or [], "tools")]
    legacy = objects(opt(obj, "functions", list, "") or [], "functions")
    tools += [need(function, "name", str, path) for path, function in legacy]
    max_tokens = opt(obj, "max_completion_tokens", int, "")
    return Request(
        format=Format.OPENAI_CHAT,
        model=opt(obj, "model", str, ""),
        stream=opt(obj, "stream", bool, "") or False,
        messages=messages,
        tool_names=tools,
        max_tokens=opt(obj, "max_tokens", int, "") if max_tokens is None else max_tokens,
        body=obj,
    )


def parse_message(raw: object) -> Message:
    """Read one entry of a request's ``messages``; raises :class:`FormatError`."""
    return _message(need({"message": raw}, "message", dict, ""), "message")


def parse_response(body: bytes) -> Response:
    """Read a whole (non-streaming) chat completion; raises :class:`FormatError`."""
    obj = load_object(body)
    choice = _first_choice(obj)
    blocks, stop_reason = [], None
    if choice is not None:
        blocks = _reply_blocks(need(choice, "message", dict, "choices[0]"), "choices[0].message")
        finish = opt(choice, "finish_reason", str, "choices[0]")
        stop_reason = None if finish is None else STOP.get(finish, finish)
    return Response(
        format=Format.OPENAI_CHAT,
        model=opt(obj, "model", str, ""),
        id=opt(obj, "id", str, ""),
        blocks=blocks,
        stop_reason=stop_reason,
        usage=read_usage(Usage(), opt(obj, "usage", dict, ""), "usage", USAGE),
    )


def render_response(response: Response, original: bytes) -> bytes:
    """``original`` with ``response``'s blocks and stop reason written into its first choice:
    text blocks joined into ``content``, tool calls into ``tool_calls``. Returns ``original``
    itself when blocks and stop reason are unchanged."""
    parsed = parse_response(original)
    if parsed.blocks == response.blocks and parsed.stop_reason == response.stop_reason:
        return original
    obj = load_object(original)
    choice = _first_choice(obj)
    if choice is None:  # no choices (the upstream's answer was empty): what a policy added
        choice = {"index": 0, "message": {"role": "assistant", "content": None}}
        obj["choices"] = [choice]
    message = choice["message"]
    texts = [block.text for block in response.blocks if isinstance(block, Text)]
    calls: list[Block] = [block for block in response.blocks if isinstance(block, ToolCall)]
    if len(texts) + len(calls) < len(response.blocks):
        raise ValueError("a chat completion carries only Text and ToolCall blocks")
    message["content"] = "".join(texts) if texts else None
    old_calls = opt(message, "tool_calls", list, "choices[0].message") or []
    old_read: list[Block | None] = [b for b in parsed.blocks if isinstance(b, ToolCall)]
    if calls:
        message["tool_calls"] = merge_items(old_calls, old_read, calls, _call_json)
    else:
        message.pop("tool_calls", None)
    stop_reason = response.stop_reason
    choice["finish_reason"] = None if stop_reason is None else finish_reason(stop_reason)
    return dump(obj).encode()


def call_scan() -> ChatCalls:
    """A new scan of one response stream's tool calls, for a chain that reads nothing else."""
    return ChatCalls()


def stream_decoder(read_text: bool = True) -> ChatStream:
    """A new decoder for one Chat Completions response stream. With ``read_text`` false,
    chunks that carry only text pass unparsed and text blocks read as empty (for chains
    that never see text)."""
    return ChatStream(read_text)


def _message(obj: JSON, path: str) -> Message:
    role = need(obj, "role", str, path)
    blocks = _content(obj.get("content"), at(path, "content"))
    if role == "tool":
        text = "\n".join(block.text for block in blocks if isinstance(block, Text))
        return Message("tool", [ToolResult(need(obj, "tool_call_id", str, path), text)])
    calls = objects(opt(obj, "tool_calls", list, path) or [], at(path, "tool_calls"))
    blocks += [_tool_call(call, call_path) for call_path, call in calls]
    return Message("system" if role == "developer" else role, blocks)


def _content(value: object, path: str) -> list[Block]:
    if value is None or isinstance(value, str):
        return [Text(value)] if value else []
    if not isinstance(value, list):
        raise wrong(path, "a string, an array or null", value)
    parts = objects(value, path)
    return [Text(need(p, "text", str, p_path)) for p_path, p in parts if p.get("type") == "text"]


def _tool_call(obj: JSON, path: str) -> ToolCall:
    if obj.get("type") == "custom":
        custom = need(obj, "custom", dict, path)
        name, arguments = need(custom, "name", str, at(path, "custom")), custom.get("input", "")
    else:
        function = need(obj, "function", dict, path)
        fpath = at(path, "function")
        name, arguments = (
            need(function, "name", str, fpath),
            need(function, "arguments", str, fpath),
        )
    return ToolCall(
        need(obj, "id", str, path), name, arguments if isinstance(arguments, str) else ""
    )


def _tool_name(obj: JSON, path: str) -> str:
    kind = need(obj, "type", str, path)
    if kind in ("function", "custom"):
        return need(need(obj, kind, dict, path), "name", str, at(path, kind))
    return kind


def _first_choice(obj: JSON) -> JSON | None:
    choices = need(obj, "choices", list, "")
    return next((choice for _, choice in objects(choices[:1], "choices")), None)


def _reply_blocks(message: JSON, path: str) -> list[Block]:
    blocks = _content(opt(message, "content", str, path), at(path, "content"))
    calls = objects(opt(message, "tool_calls", list, path) or [], at(path, "tool_calls"))
    return blocks + [_tool_call(call, call_path) for call_path, call in calls]


def _call_json(block: Block) -> JSON:
    assert isinstance(block, ToolCall)  # render_response passes tool calls only
    function = {"name": block.name, "arguments": block.arguments}
    return {"id": block.id, "type": "function", "function": function}
