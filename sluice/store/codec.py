"""JSON in and out of the store: canonical text, digests, split requests, responses.

A request body is stored in three parts: its conversation (one row per message, shared
by every turn of the session), its large repeated parts (content-addressed blobs) and the
rest. :func:`split_request` and :func:`join_request` are exact inverses, up to key order.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sluice.model import Block, Format, Response, Text, Thinking, ToolCall, ToolResult, Usage

__all__ = [
    "SplitRequest",
    "block_to_json",
    "canonical",
    "digest",
    "join_request",
    "response_from_json",
    "response_to_json",
    "split_request",
]

JSON = dict[str, Any]

# Where each wire format keeps its conversation: Anthropic and Chat Completions in
# `messages`, Responses in `input` (when it is a list of items, not a plain string).
CONVERSATION_KEYS = ("messages", "input")
# Parts that coding agents resend unchanged every turn and that are large.
BLOB_KEYS = ("tools", "system", "instructions")
# Markers in `request_rest`; a body key never starts with "$".
CONVERSATION_MARK, CACHE_MARK, BLOB_MARK, SENT_MARK = "$conversation", "$cache", "$blob", "$sent"


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical(value: Any) -> str:
    """The one text of a JSON value: sorted keys, no spaces, UTF-8 kept as is."""
    return _ENCODER.encode(value)


def digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


@dataclass(slots=True)
class SplitRequest:
    """A request body taken apart; ``messages`` are canonical texts, in order."""

    rest: JSON
    messages: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    blobs: dict[str, str] = field(default_factory=dict)  # digest -> canonical text


def split_request(body: JSON) -> SplitRequest:
    """Separate conversation, blobs and rest of ``body`` (which is not modified).

    Anthropic ``cache_control`` markers move to the newest turn with every request, so
    the same message would be stored again each turn with its marker and once more
    without; they are kept in the rest instead (``$cache``: message, block, value).
    """
    rest = dict(body)
    split = SplitRequest(rest)
    for key in CONVERSATION_KEYS:
        if isinstance(rest.get(key), list):
            conversation = rest.pop(key)
            rest[CONVERSATION_MARK] = key
            marks: list[list[Any]] = []
            for i, message in enumerate(conversation):
                clean = _without_cache_control(message, i, marks)
                split.messages.append(canonical(clean))
                split.roles.append(_role(clean))
            if marks:
                rest[CACHE_MARK] = marks
            break
    for key in BLOB_KEYS:
        if rest.get(key) is not None:
            text = canonical(rest[key])
            split.blobs[digest(text)] = text
            rest[key] = {BLOB_MARK: digest(text)}
    return split


def join_request(rest: JSON, messages: list[Any], blobs: dict[str, Any]) -> JSON:
    """Put a body back together from :func:`split_request`'s parts (messages parsed)."""
    body = {k: v for k, v in rest.items() if k not in (CONVERSATION_MARK, CACHE_MARK)}
    for key in BLOB_KEYS:
        value = body.get(key)
        if isinstance(value, dict) and set(value) == {BLOB_MARK}:
            body[key] = blobs[value[BLOB_MARK]]
    if CONVERSATION_MARK in rest:
        conversation = [json.loads(json.dumps(m)) for m in messages]  # marks mutate copies
        for i, j, mark in rest.get(CACHE_MARK, []):
            target = conversation[i] if j is None else conversation[i]["content"][j]
            target["cache_control"] = mark
        body[rest[CONVERSATION_MARK]] = conversation
    return body


def _without_cache_control(message: Any, i: int, marks: list[list[Any]]) -> Any:
    if not isinstance(message, dict):
        return message
    clean = dict(message)
    if "cache_control" in clean:
        marks.append([i, None, clean.pop("cache_control")])
    content = clean.get("content")
    if isinstance(content, list):
        blocks = []
        for j, block in enumerate(content):
            if isinstance(block, dict) and "cache_control" in block:
                block = dict(block)
                marks.append([i, j, block.pop("cache_control")])
            blocks.append(block)
        clean["content"] = blocks
    return clean


def _role(message: Any) -> str:
    if isinstance(message, dict):
        return str(message.get("role") or message.get("type") or "")
    return ""


_BLOCKS: dict[str, type[Any]] = {
    "text": Text,
    "thinking": Thinking,
    "tool_call": ToolCall,
    "tool_result": ToolResult,
}
_NAMES = {cls: name for name, cls in _BLOCKS.items()}


def block_to_json(block: Block) -> JSON:
    """One neutral block as JSON, its kind in ``type`` (text, thinking, tool_call, ...)."""
    return {"type": _NAMES[type(block)], **dataclasses.asdict(block)}


def response_to_json(response: Response) -> JSON:
    """The neutral response as JSON: ``blocks`` carry a ``type`` (text, thinking, ...)."""
    return {
        "format": response.format.value,
        "model": response.model,
        "id": response.id,
        "stop_reason": response.stop_reason,
        "usage": dataclasses.asdict(response.usage),
        "blocks": [block_to_json(block) for block in response.blocks],
    }


def response_from_json(data: JSON) -> Response:
    """The inverse of :func:`response_to_json`."""
    blocks = []
    for item in data["blocks"]:
        fields = {k: v for k, v in item.items() if k != "type"}
        blocks.append(_BLOCKS[item["type"]](**fields))
    return Response(
        format=Format(data["format"]),
        model=data["model"],
        id=data["id"],
        blocks=blocks,
        stop_reason=data["stop_reason"],
        usage=Usage(**data["usage"]),
    )
