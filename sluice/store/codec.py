"""JSON in and out of the store: canonical text, digests, split requests, responses.

A request body is stored in three parts: its conversation (one row per message, shared
by every turn of the session), its large repeated parts (content-addressed blobs) and the
rest. :func:`split_request` and :func:`join_request` are exact inverses, up to key order.

Turns are matched by :func:`match_digests`, the digest of what the provider reads, not of
the spelling: a message's ``content`` given as a string and as a list of one plain text
block are the same prompt (Anthropic, Chat Completions and Responses all define the string
as short for that block), and Claude Code sends its environment message one way on its first
request and the other way afterwards.
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
    "match_digests",
    "respelled",
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
# In `request_rest`: [seq, shape] for each stored message this request spelled otherwise.
FORM_MARK = "$form"
# The block types whose only field besides ``type`` is ``text``: one of them alone is the
# same prompt as its text given as a string (Anthropic and Chat ``text``, Responses
# ``input_text``).
_TEXT_BLOCKS = ("text", "input_text")
# The shape of a ``content`` that is a plain string, in FORM_MARK entries.
STRING = "string"


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
    shapes: list[str | None] = field(default_factory=list)  # see _shape()
    plain: dict[int, str] = field(default_factory=dict)  # one text block, as a string


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
                split.shapes.append(spelled := _shape(clean))
                if spelled in _TEXT_BLOCKS:
                    split.plain[i] = canonical(_reshaped(clean, STRING))
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
    marks = (CONVERSATION_MARK, CACHE_MARK, FORM_MARK)
    body = {k: v for k, v in rest.items() if k not in marks}
    for key in BLOB_KEYS:
        value = body.get(key)
        if isinstance(value, dict) and set(value) == {BLOB_MARK}:
            body[key] = blobs[value[BLOB_MARK]]
    if CONVERSATION_MARK in rest:
        # The spelling first: cache marks point into this request's own content blocks.
        conversation = [json.loads(json.dumps(m)) for m in respelled(messages, rest)]
        for i, j, mark in rest.get(CACHE_MARK, []):
            target = conversation[i] if j is None else conversation[i]["content"][j]
            target["cache_control"] = mark
        body[rest[CONVERSATION_MARK]] = conversation
    return body


def respelled(messages: list[Any], rest: JSON) -> list[Any]:
    """The stored ``messages`` as the request whose ``rest`` this is spelled them: a
    message it spelled otherwise than its session's stored copy is listed in ``$form``."""
    forms = rest.get(FORM_MARK)
    if not forms:
        return messages
    messages = list(messages)
    for i, to in forms:
        messages[i] = _reshaped(messages[i], to)
    return messages


def match_digests(split: SplitRequest, digests: list[str]) -> list[str]:
    """The digests turns are matched by, given the messages' own ``digests``: a message
    whose content is one plain text block counts as its text given as a string.

    >>> one_block = [{"type": "text", "text": "hi"}]
    >>> block = split_request({"messages": [{"role": "user", "content": one_block}]})
    >>> plain = split_request({"messages": [{"role": "user", "content": "hi"}]})
    >>> match_digests(block, ["sha256:x"]) == match_digests(plain, [digest(plain.messages[0])])
    True
    """
    return [digest(split.plain[i]) if i in split.plain else d for i, d in enumerate(digests)]


def _shape(message: Any) -> str | None:
    """How ``message`` spells a content that has two spellings: ``"string"``, or the type
    of its one plain text block; ``None`` for any other message."""
    if not isinstance(message, dict):
        return None
    content = message.get("content")
    if isinstance(content, str):
        return STRING
    if isinstance(content, list) and len(content) == 1:
        [block] = content
        if (
            isinstance(block, dict)
            and set(block) == {"type", "text"}
            and block["type"] in _TEXT_BLOCKS
            and isinstance(block["text"], str)
        ):
            return str(block["type"])
    return None


def _reshaped(message: JSON, to: str) -> JSON:
    """``message`` with its content spelled as ``to`` (a :func:`_shape`); the text is kept."""
    content = message["content"]
    text = content if isinstance(content, str) else content[0]["text"]
    return {**message, "content": text if to == STRING else [{"type": to, "text": text}]}


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
