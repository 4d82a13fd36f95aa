"""An OpenAI Chat Completions request body as an Anthropic Messages request body.

What maps::

    system and developer messages                  -> system (joined by blank lines)
    text parts, image_url (data: URL -> base64)    -> content blocks
    assistant content and tool_calls               -> text and tool_use blocks
    tool messages (and the user text after them)   -> one user turn of tool_result blocks
    tools, tool_choice, parallel_tool_calls        -> tools, tool_choice (with
                                                      disable_parallel_tool_use)
    max_completion_tokens (or max_tokens), stop    -> max_tokens, stop_sequences
    temperature, top_p, user, stream               -> temperature, top_p, metadata.user_id,
                                                      stream

Anthropic requires ``max_tokens``: a request without one gets :data:`DEFAULT_MAX_TOKENS`,
and that is recorded. What has no counterpart is dropped and named: an assistant turn's
``reasoning_content`` (Anthropic would need its signature), ``n``, penalties, ``seed``,
``logprobs``, ``response_format``, ``reasoning_effort``...
"""

from __future__ import annotations

import json
from typing import Any

from sluice.sidecar.formats import WrongShape
from sluice.sidecar.translate._anthropic_request import (
    DEFAULT_MAX_TOKENS,
    append_turn,
    image_block,
    max_tokens,
    tool_choice,
    word_choice,
)
from sluice.sidecar.translate._common import JSON, Translated

__all__ = ["DEFAULT_MAX_TOKENS", "anthropic_request"]
_SAME = ("temperature", "top_p", "stream")
_HANDLED = frozenset(
    {
        "model",
        "messages",
        "tools",
        "tool_choice",
        "parallel_tool_calls",
        "max_tokens",
        "max_completion_tokens",
        "stop",
        "user",
        "stream_options",  # usage is always read from an Anthropic stream
        *_SAME,
    }
)


def anthropic_request(obj: JSON, model: str | None = None) -> Translated:
    """The Messages body for the Chat Completions request ``obj`` (already read by the
    Chat adapter); ``model`` replaces the client's model name."""
    out = Translated({"model": model or obj.get("model")})
    body = out.body
    system: list[str] = []
    messages: list[JSON] = []
    for message in obj.get("messages", []):
        role = message.get("role")
        if role in ("system", "developer"):
            system.append(_text(message.get("content")))
        elif role == "tool":
            append_turn(messages, "user", [_result(message)])
        elif role == "assistant":
            append_turn(messages, "assistant", _assistant(message, out))
        else:
            append_turn(messages, "user", _user(message.get("content"), out))
    if system:
        body["system"] = "\n\n".join(system)
    body["messages"] = messages
    limit = obj.get("max_completion_tokens")
    if limit is None:
        limit = obj.get("max_tokens")
    max_tokens(out, limit)
    for key in _SAME:
        if key in obj:
            body[key] = obj[key]
    if (stop := obj.get("stop")) is not None:
        body["stop_sequences"] = [stop] if isinstance(stop, str) else stop
    if isinstance(user := obj.get("user"), str):
        body["metadata"] = {"user_id": user}
    if tools := obj.get("tools"):
        body["tools"] = [t for tool in tools if (t := _tool(tool, out)) is not None]
    _tool_choice(obj, body)
    for key in obj:
        if key not in _HANDLED:
            out.drop(key)
    return out


def _text(content: object) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n\n".join(
            str(p.get("text", "")) for p in content if isinstance(p, dict) and "text" in p
        )
    return ""


def _user(content: object, out: Translated) -> list[JSON]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    if not isinstance(content, list):
        raise WrongShape("messages", "content must be a string or an array")
    blocks: list[JSON] = []
    for part in content:
        kind = part.get("type")
        if kind == "text":
            blocks.append({"type": "text", "text": part.get("text", "")})
        elif kind == "image_url":
            blocks.append(image_block(str((part.get("image_url") or {}).get("url", ""))))
        else:
            out.drop(str(kind))
    return blocks


def _assistant(message: JSON, out: Translated) -> list[JSON]:
    if message.get("reasoning_content") or message.get("reasoning"):
        out.drop("reasoning_content")
    blocks: list[JSON] = []
    if text := _text(message.get("content")):
        blocks.append({"type": "text", "text": text})
    for call in message.get("tool_calls") or []:
        function = call.get("function") or {}
        try:
            arguments: Any = json.loads(function.get("arguments") or "{}")
        except ValueError:
            raise WrongShape("messages.tool_calls", "arguments must be JSON") from None
        blocks.append(
            {
                "type": "tool_use",
                "id": call.get("id"),
                "name": function.get("name"),
                "input": arguments,
            }
        )
    return blocks


def _result(message: JSON) -> JSON:
    return {
        "type": "tool_result",
        "tool_use_id": message.get("tool_call_id"),
        "content": _text(message.get("content")),
    }


def _tool(tool: JSON, out: Translated) -> JSON | None:
    function = tool.get("function")
    if tool.get("type") != "function" or not isinstance(function, dict):
        out.drop(f"tools.{tool.get('type')}")
        return None
    schema = function.get("parameters") or {"type": "object", "properties": {}}
    result: JSON = {"name": function.get("name"), "input_schema": schema}
    if "description" in function:
        result["description"] = function["description"]
    return result


def _tool_choice(obj: JSON, body: JSON) -> None:
    choice = obj.get("tool_choice")
    translated: JSON | None
    if isinstance(choice, dict):
        translated = {"type": "tool", "name": (choice.get("function") or {}).get("name")}
    else:
        translated = word_choice(choice)
    tool_choice(obj, body, translated)
