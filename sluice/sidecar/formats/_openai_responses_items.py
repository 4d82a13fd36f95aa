"""OpenAI Responses output items as neutral blocks, and response status as stop reason.

``message`` -> Text (its ``output_text`` parts joined); ``function_call`` and
``custom_tool_call`` -> ToolCall (``id`` is the ``call_id``); ``reasoning`` -> Thinking (summary
parts joined by a blank line, else the reasoning text; ``signature`` is
``encrypted_content``). Other items (hosted tools: web and file search, MCP, image
generation...) are not represented. A ``completed`` response stops for ``tool_use`` when its
output holds a tool call, else ``end_turn``; an ``incomplete`` one for ``max_tokens`` or
``refusal``, after its reason.
"""

from __future__ import annotations

import uuid

from sluice.model import Block, Text, Thinking, ToolCall
from sluice.sidecar.formats._base import StopReason
from sluice.sidecar.formats._json import JSON, at, need, objects, opt

__all__ = [
    "USAGE",
    "call_item",
    "item_block",
    "item_json",
    "message_item",
    "status_for",
    "stop_reason_of",
    "text_part",
]

USAGE = {
    "input_tokens": "input_tokens",
    "output_tokens": "output_tokens",
    "input_tokens_details.cached_tokens": "cache_read_tokens",
    "input_tokens_details.cache_write_tokens": "cache_creation_tokens",
    "output_tokens_details.reasoning_tokens": "reasoning_tokens",
}
_INCOMPLETE: dict[str, str] = {
    "max_output_tokens": StopReason.MAX_TOKENS,
    "content_filter": StopReason.REFUSAL,
}
_INCOMPLETE_REASON = {stop: reason for reason, stop in _INCOMPLETE.items()}


def item_block(item: JSON, path: str) -> Block | None:
    """The block for the output item at ``path``; ``None`` for an item not represented."""
    kind = need(item, "type", str, path)
    if kind == "message":
        parts = objects(opt(item, "content", list, path) or [], at(path, "content"))
        return Text(
            "".join(need(p, "text", str, pp) for pp, p in parts if p.get("type") == "output_text")
        )
    if kind in ("function_call", "custom_tool_call"):
        arguments = need(item, "arguments" if kind == "function_call" else "input", str, path)
        return ToolCall(need(item, "call_id", str, path), need(item, "name", str, path), arguments)
    if kind == "reasoning":
        parts = objects(opt(item, "summary", list, path) or [], at(path, "summary"))
        texts = [need(p, "text", str, pp) for pp, p in parts]
        if not texts:  # models that show their reasoning text rather than a summary
            parts = objects(opt(item, "content", list, path) or [], at(path, "content"))
            texts = [need(p, "text", str, pp) for pp, p in parts]
        return Thinking("\n\n".join(texts), opt(item, "encrypted_content", str, path))
    return None


def stop_reason_of(obj: JSON, has_tool_call: bool) -> str | None:
    """The neutral stop reason of the response object ``obj``."""
    status = obj.get("status")
    if status == "completed":
        return StopReason.TOOL_USE if has_tool_call else StopReason.END_TURN
    if status == "incomplete":
        details = obj.get("incomplete_details")
        reason = details.get("reason") if isinstance(details, dict) else None
        return _INCOMPLETE.get(reason, reason) if isinstance(reason, str) else status
    return status if isinstance(status, str) else None


def status_for(stop_reason: str) -> tuple[str, JSON | None]:
    """``status`` and ``incomplete_details`` of a response that stopped for ``stop_reason``."""
    reason = _INCOMPLETE_REASON.get(stop_reason)
    return ("completed", None) if reason is None else ("incomplete", {"reason": reason})


def text_part(text: str) -> JSON:
    """A message item's ``output_text`` part."""
    return {"type": "output_text", "annotations": [], "logprobs": [], "text": text}


def message_item(item_id: str, text: str, status: str = "completed") -> JSON:
    """A ``message`` item saying ``text``; with ``status="in_progress"``, its empty
    beginning."""
    content = [] if status == "in_progress" else [text_part(text)]
    return {
        "id": item_id,
        "type": "message",
        "status": status,
        "content": content,
        "role": "assistant",
    }


def call_item(
    item_id: str, call_id: object, name: object, arguments: str, status: str = "completed"
) -> JSON:
    """A ``function_call`` item; with ``status="in_progress"``, its beginning (no
    arguments yet)."""
    return {
        "id": item_id,
        "type": "function_call",
        "status": status,
        "arguments": "" if status == "in_progress" else arguments,
        "call_id": call_id,
        "name": name,
    }


def item_json(block: Block, item_id: str | None = None, status: str = "completed") -> JSON:
    """The output item for ``block``; with ``status="in_progress"``, its empty beginning."""
    empty = status == "in_progress"
    if isinstance(block, Text):
        return message_item(item_id or f"msg_{uuid.uuid4().hex}", block.text, status)
    if isinstance(block, ToolCall):
        item_id = item_id or f"fc_{uuid.uuid4().hex}"
        return call_item(item_id, block.id, block.name, block.arguments, status)
    if isinstance(block, Thinking):
        summary = [] if empty or not block.text else [{"type": "summary_text", "text": block.text}]
        item = {"id": item_id or f"rs_{uuid.uuid4().hex}", "type": "reasoning", "summary": summary}
        if block.signature and not empty:
            item["encrypted_content"] = block.signature
        return item
    raise ValueError(f"a Responses output cannot carry a {type(block).__name__} block")
