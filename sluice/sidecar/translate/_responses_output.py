"""The pieces of an OpenAI Responses answer written from an Anthropic one: the response
object, its output items and usage, a whole body, and an error body.

Content blocks become output items in order: ``thinking`` a ``reasoning`` item (its text the
one summary part; the signature in ``encrypted_content`` when the client asked for
``reasoning.encrypted_content``), ``text`` a ``message`` item, ``tool_use`` a
``function_call`` item whose ``call_id`` is the tool_use id (a ``custom_tool_call`` item,
its ``input`` the call's one string, when the tool is one of the client's custom tools: see
:mod:`._custom_tools`). Other blocks (redacted
thinking, server tools) have no item. Item ids are the response id with the item's kind and
position, so an item's added and done forms agree. Message and function_call items are
written by the Responses adapter's own builders (``formats._openai_responses_items``).

Stop reasons: ``max_tokens`` (and ``model_context_window_exceeded``) make the response
``incomplete`` for ``max_output_tokens``, ``refusal`` for ``content_filter``; anything else
is ``completed``. Usage: ``input_tokens`` counts cached and cache-written tokens too, as
OpenAI counts them; Anthropic reports no reasoning tokens apart (0, unless the answer was
itself translated from Chat and carried them).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from sluice.sidecar.formats._base import StopReason
from sluice.sidecar.formats._openai_responses_items import call_item, message_item, status_for
from sluice.sidecar.translate._common import JSON
from sluice.sidecar.translate._custom_tools import custom_input
from sluice.sidecar.translate._response_anthropic_to_chat import chat_error
from sluice.sidecar.translate._signatures import encrypted_content

__all__ = [
    "Echo",
    "ResponseShape",
    "custom_call_item",
    "echo_of",
    "reasoning_item",
    "responses_body",
    "responses_error",
    "status_of",
    "stream_error_code",
    "usage_json",
]

# The request fields a response object repeats, with OpenAI's defaults.
_ECHOED: JSON = {
    "instructions": None,
    "max_output_tokens": None,
    "parallel_tool_calls": True,
    "previous_response_id": None,
    "reasoning": {"effort": None, "summary": None},
    "store": True,
    "temperature": 1.0,
    "text": {"format": {"type": "text"}},
    "tool_choice": "auto",
    "tools": [],
    "top_p": 1.0,
    "truncation": "disabled",
    "user": None,
    "metadata": {},
}

Echo = JSON


def echo_of(request: JSON) -> Echo:
    """What of the client's Responses ``request`` its response object repeats."""
    return {
        key: default if request.get(key) is None else request[key]
        for key, default in _ECHOED.items()
    }


@dataclass(slots=True)
class ResponseShape:
    """How the response object of one exchange is written: the request's echo, whether
    reasoning items carry the signature, and the names of the client's custom tools."""

    echo: Echo = field(default_factory=dict)
    signatures: bool = False
    custom: frozenset[str] = frozenset()

    def response(self, response_id: str, model: object, status: str, **fields: Any) -> JSON:
        """The response object with ``status`` and ``fields`` (output, usage...)."""
        return {
            "id": response_id,
            "object": "response",
            "created_at": int(time.time()),
            "status": status,
            "error": None,
            "incomplete_details": None,
            "model": model,
            "output": [],
            "usage": None,
            **(self.echo or echo_of({})),
            **fields,
        }

    def item_id(self, response_id: str, prefix: str, index: int) -> str:
        return f"{prefix}_{response_id.removeprefix('msg_')}_{index}"


def status_of(stop_reason: str | None) -> tuple[str, JSON | None]:
    """``status`` and ``incomplete_details`` for an Anthropic ``stop_reason``."""
    if stop_reason == "model_context_window_exceeded":  # the output limit, set by the context
        stop_reason = StopReason.MAX_TOKENS
    return status_for(stop_reason or "")


def usage_json(usage: JSON) -> JSON:
    """The Responses usage object for Anthropic's usage counts."""
    cached = usage.get("cache_read_input_tokens") or 0
    written = usage.get("cache_creation_input_tokens") or 0
    prompt = (usage.get("input_tokens") or 0) + cached + written
    output = usage.get("output_tokens") or 0
    reasoning = (usage.get("output_tokens_details") or {}).get("thinking_tokens") or 0
    return {
        "input_tokens": prompt,
        "input_tokens_details": {"cached_tokens": cached, "cache_write_tokens": written},
        "output_tokens": output,
        "output_tokens_details": {"reasoning_tokens": reasoning},
        "total_tokens": prompt + output,
    }


def reasoning_item(item_id: str, text: str | None, signature: str | None) -> JSON:
    """A reasoning item; ``text`` ``None`` for its beginning; ``signature`` when carried.
    (Not the adapter's ``item_json``: here a finished item always has its one summary part,
    empty or not, as the stream added it, and the signature is wrapped.)"""
    summary = [] if text is None else [{"type": "summary_text", "text": text}]
    item: JSON = {"id": item_id, "type": "reasoning", "summary": summary}
    if signature:
        item["encrypted_content"] = encrypted_content(signature)
    return item


def custom_call_item(item_id: str, call_id: object, name: object, input_: str | None) -> JSON:
    """A custom_tool_call item; ``input_`` ``None`` for its beginning."""
    return {
        "id": item_id,
        "type": "custom_tool_call",
        "status": "in_progress" if input_ is None else "completed",
        "call_id": call_id,
        "name": name,
        "input": input_ or "",
    }


def responses_body(body: bytes, shape: ResponseShape) -> bytes:
    """The Responses response for a whole Messages response; raises ``ValueError`` (or
    ``KeyError``, ``TypeError``) when it is not one."""
    obj = json.loads(body)
    response_id = str(obj["id"])
    output: list[JSON] = []
    for index, block in enumerate(obj["content"]):
        kind = block.get("type")
        if kind == "text":
            item_id = shape.item_id(response_id, "msg", index)
            output.append(message_item(item_id, block["text"]))
        elif kind == "thinking":
            item_id = shape.item_id(response_id, "rs", index)
            signature = block.get("signature") if shape.signatures else None
            output.append(reasoning_item(item_id, block["thinking"], signature))
        elif kind == "tool_use" and block.get("name") in shape.custom:
            item_id = shape.item_id(response_id, "ctc", index)
            input_ = custom_input(block.get("input", {}))
            output.append(custom_call_item(item_id, block["id"], block["name"], input_))
        elif kind == "tool_use":
            item_id = shape.item_id(response_id, "fc", index)
            arguments = json.dumps(block.get("input", {}), ensure_ascii=False)
            output.append(call_item(item_id, block["id"], block["name"], arguments))
    status, details = status_of(obj.get("stop_reason"))
    response = shape.response(
        response_id,
        obj.get("model"),
        status,
        incomplete_details=details,
        output=output,
        usage=usage_json(obj.get("usage") or {}),
    )
    return json.dumps(response, ensure_ascii=False, separators=(",", ":")).encode()


def responses_error(status: int, body: bytes) -> bytes:
    """The OpenAI error body for a backend's error response, Anthropic's or OpenAI's (its
    message kept, the type OpenAI uses for ``status``)."""
    return chat_error(status, body)


def stream_error_code(anthropic_type: object) -> str:
    """The ``code`` of a Responses stream error for an Anthropic error ``type``."""
    return "rate_limit_exceeded" if anthropic_type == "rate_limit_error" else "server_error"
