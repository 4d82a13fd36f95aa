"""OpenAI Responses (``POST /v1/responses``) to and from the neutral model.

This module is the format's :class:`~sluice.sidecar.formats.Adapter`: request and response
bodies here, the stream in :mod:`._openai_responses_stream`, how output items map to blocks
in :mod:`._openai_responses_items`, and the stream's tool calls alone (for a chain that
reads nothing else) in :mod:`._openai_responses_calls`.
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
from sluice.sidecar.formats._openai_responses_calls import ResponsesCalls
from sluice.sidecar.formats._openai_responses_items import (
    USAGE,
    item_block,
    item_json,
    status_for,
    stop_reason_of,
)
from sluice.sidecar.formats._openai_responses_stream import ResponsesStream

__all__ = [
    "ResponsesStream",
    "call_scan",
    "error_body",
    "parse_message",
    "parse_request",
    "parse_response",
    "render_response",
    "stream_decoder",
]


def parse_request(body: bytes) -> Request:
    """Read a Responses request body.

    ``instructions`` become a first ``system`` message, ``developer`` messages count as
    ``system``; consecutive input items of one role form one message (a reasoning item, a
    message and the function calls that follow are one assistant turn); a
    ``function_call_output`` is a ``tool`` message. Raises :class:`FormatError`.
    """
    obj = load_object(body)
    messages = []
    if (instructions := opt(obj, "instructions", str, "")) is not None:
        messages.append(Message("system", [Text(instructions)]))
    input_ = obj.get("input")
    if isinstance(input_, str):
        messages.append(Message("user", [Text(input_)]))
    elif isinstance(input_, list):
        for path, item in objects(input_, "input"):
            if (read := _input_item(item, path)) is None:
                continue
            role, blocks = read
            if messages and messages[-1].role == role:
                messages[-1].blocks += blocks
            else:
                messages.append(Message(role, blocks))
    elif input_ is not None:
        raise wrong("input", "a string or an array", input_)
    tools = objects(opt(obj, "tools", list, "") or [], "tools")
    return Request(
        format=Format.OPENAI_RESPONSES,
        model=opt(obj, "model", str, ""),
        stream=opt(obj, "stream", bool, "") or False,
        messages=messages,
        # hosted tools (web_search, file_search...) have no name: their type stands for it
        tool_names=[
            opt(tool, "name", str, path) or need(tool, "type", str, path) for path, tool in tools
        ],
        max_tokens=opt(obj, "max_output_tokens", int, ""),
        body=obj,
    )


def parse_message(raw: object) -> Message | None:
    """Read one input item as a message; ``None`` for an item that carries none (an item
    reference, say). Raises :class:`FormatError`."""
    read = _input_item(need({"input": raw}, "input", dict, ""), "input")
    return None if read is None else Message(*read)


def parse_response(body: bytes) -> Response:
    """Read a whole (non-streaming) Responses response; raises :class:`FormatError`."""
    obj = load_object(body)
    blocks = [block for block in _output(obj) if block is not None]
    return Response(
        format=Format.OPENAI_RESPONSES,
        model=opt(obj, "model", str, ""),
        id=opt(obj, "id", str, ""),
        blocks=blocks,
        stop_reason=stop_reason_of(obj, any(isinstance(b, ToolCall) for b in blocks)),
        usage=read_usage(Usage(), opt(obj, "usage", dict, ""), "usage", USAGE),
    )


def render_response(response: Response, original: bytes) -> bytes:
    """``original`` with ``response``'s blocks written into ``output`` (unrepresented items
    kept in place) and its stop reason into ``status``; ``original`` itself when blocks and
    stop reason are unchanged."""
    obj = load_object(original)
    read = _output(obj)
    blocks = [block for block in read if block is not None]
    has_call = any(isinstance(b, ToolCall) for b in blocks)
    if blocks == response.blocks and stop_reason_of(obj, has_call) == response.stop_reason:
        return original
    obj["output"] = merge_items(obj["output"], read, response.blocks, item_json)
    if response.stop_reason is not None:
        obj["status"], obj["incomplete_details"] = status_for(response.stop_reason)
    return dump(obj).encode()


def call_scan() -> ResponsesCalls:
    """A new scan of one response stream's tool calls, for a chain that reads nothing else."""
    return ResponsesCalls()


def stream_decoder(read_text: bool = True) -> ResponsesStream:
    """A new decoder for one Responses response stream. With ``read_text`` false, pieces
    of text pass unparsed (for chains that never see text)."""
    return ResponsesStream(read_text)


def _input_item(item: JSON, path: str) -> tuple[str, list[Block]] | None:
    kind = opt(item, "type", str, path) or "message"  # an "easy" input message has no type
    if kind == "message":
        role = need(item, "role", str, path)
        content = _message_content(item.get("content"), at(path, "content"))
        return ("system" if role == "developer" else role), content
    if kind in ("function_call_output", "custom_tool_call_output"):
        output = _output_text(item.get("output"), at(path, "output"))
        return "tool", [ToolResult(need(item, "call_id", str, path), output)]
    block = item_block(item, path)
    return None if block is None else ("assistant", [block])


def _message_content(value: object, path: str) -> list[Block]:
    if isinstance(value, str):
        return [Text(value)]
    if not isinstance(value, list):
        raise wrong(path, "a string or an array", value)
    texts = ("input_text", "output_text")
    return [
        Text(need(p, "text", str, pp)) for pp, p in objects(value, path) if p.get("type") in texts
    ]


def _output_text(value: object, path: str) -> str:
    if value is None or isinstance(value, str):
        return value or ""
    if not isinstance(value, list):
        raise wrong(path, "a string or an array", value)
    parts = objects(value, path)
    return "\n".join(need(p, "text", str, pp) for pp, p in parts if p.get("type") == "input_text")


def _output(obj: JSON) -> list[Block | None]:
    return [
        item_block(item, path) for path, item in objects(need(obj, "output", list, ""), "output")
    ]
