"""Anthropic Messages (``POST /v1/messages``) to and from the neutral model.

This module is the format's :class:`~sluice.sidecar.formats.Adapter`: request and response
bodies here, the stream in :mod:`._anthropic_stream`, and the stream's tool calls alone (for
a chain that reads nothing else) in :mod:`._anthropic_calls`.
"""

from __future__ import annotations

from sluice.model import Block, Format, Message, Request, Response, Text, ToolResult, Usage
from sluice.sidecar.formats._anthropic_calls import MessagesCalls
from sluice.sidecar.formats._anthropic_stream import (
    USAGE,
    AnthropicStream,
    block_from_json,
    block_json,
    error_type,
)
from sluice.sidecar.formats._base import check_status
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

__all__ = [
    "AnthropicStream",
    "block_json",
    "call_scan",
    "error_body",
    "error_type",
    "parse_message",
    "parse_request",
    "parse_response",
    "render_response",
    "stream_decoder",
]


def parse_request(body: bytes) -> Request:
    """Read a Messages request body.

    The top-level ``system`` (a string or text blocks) becomes a first ``system`` message;
    ``role: "system"`` entries inside ``messages`` (Claude Code sends them) keep their role.
    Raises :class:`FormatError` naming the JSON path of the first problem.
    """
    obj = load_object(body)
    messages = []
    if (system := obj.get("system")) is not None:
        messages.append(Message("system", _content(system, "system")))
    for path, message in objects(need(obj, "messages", list, ""), "messages"):
        role = need(message, "role", str, path)
        messages.append(Message(role, _content(message.get("content"), at(path, "content"))))
    tools = opt(obj, "tools", list, "") or []
    return Request(
        format=Format.ANTHROPIC,
        model=opt(obj, "model", str, ""),
        stream=opt(obj, "stream", bool, "") or False,
        messages=messages,
        tool_names=[need(tool, "name", str, path) for path, tool in objects(tools, "tools")],
        max_tokens=opt(obj, "max_tokens", int, ""),
        body=obj,
    )


def parse_message(raw: object) -> Message:
    """Read one entry of a request's ``messages``; raises :class:`FormatError`."""
    message = need({"message": raw}, "message", dict, "")
    role = need(message, "role", str, "message")
    return Message(role, _content(message.get("content"), "message.content"))


def parse_response(body: bytes) -> Response:
    """Read a whole (non-streaming) Messages response; raises :class:`FormatError`."""
    obj = load_object(body)
    read = _blocks(need(obj, "content", list, ""), "content")
    return Response(
        format=Format.ANTHROPIC,
        model=opt(obj, "model", str, ""),
        id=opt(obj, "id", str, ""),
        blocks=[block for block in read if block is not None],
        stop_reason=opt(obj, "stop_reason", str, ""),
        usage=read_usage(Usage(), opt(obj, "usage", dict, ""), "usage", USAGE),
    )


def render_response(response: Response, original: bytes) -> bytes:
    """``original`` with ``response``'s blocks and stop reason written in; every other field
    (and every content block the neutral model cannot represent) is kept. Returns
    ``original`` itself when blocks and stop reason are unchanged."""
    obj = load_object(original)
    content = need(obj, "content", list, "")
    read = _blocks(content, "content")
    if [b for b in read if b is not None] == response.blocks and (
        obj.get("stop_reason") == response.stop_reason
    ):
        return original
    obj["content"] = merge_items(content, read, response.blocks, block_json)
    obj["stop_reason"] = response.stop_reason
    return dump(obj).encode()


def error_body(status: int, error_type: str, message: str) -> bytes:
    """An error body as the Messages API sends it, e.g. ``error_body(400,
    "invalid_request_error", "blocked by policy")``; the SDK reads ``message`` from it."""
    check_status(status)
    return dump({"type": "error", "error": {"type": error_type, "message": message}}).encode()


def call_scan() -> MessagesCalls:
    """A new scan of one response stream's tool calls, for a chain that reads nothing else."""
    return MessagesCalls()


def stream_decoder(read_text: bool = True) -> AnthropicStream:
    """A new decoder for one Messages response stream. With ``read_text`` false, text
    deltas pass unparsed and text blocks read as empty (for chains that never see text)."""
    return AnthropicStream(read_text)


def _content(value: object, path: str) -> list[Block]:
    if isinstance(value, str):
        return [Text(value)]
    if not isinstance(value, list):
        raise wrong(path, "a string or an array", value)
    return [block for block in _blocks(value, path) if block is not None]


def _blocks(items: list[object], path: str) -> list[Block | None]:
    return [_block(item, item_path) for item_path, item in objects(items, path)]


def _block(obj: JSON, path: str) -> Block | None:
    if obj.get("type") != "tool_result":
        return block_from_json(obj, path)
    content = obj.get("content")
    if isinstance(content, list):  # text blocks (images are not read): joined by lines
        parts = objects(content, at(path, "content"))
        content = "\n".join(need(p, "text", str, pp) for pp, p in parts if p.get("type") == "text")
    elif content is not None and not isinstance(content, str):
        raise wrong(at(path, "content"), "a string or an array", content)
    is_error = opt(obj, "is_error", bool, path) or False
    return ToolResult(need(obj, "tool_use_id", str, path), content or "", is_error)
