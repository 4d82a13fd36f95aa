"""An Anthropic Messages request body as an OpenAI Chat Completions request body.

What maps::

    system (string or text blocks), role "system" entries   -> system messages
    text, image (base64 -> data: URL, url)                  -> content parts
    tool_use                                                -> assistant tool_calls
    tool_result (is_error: prefixed "Error: ")              -> role "tool" messages, first
    tools, tool_choice, disable_parallel_tool_use           -> tools, tool_choice,
                                                               parallel_tool_calls
    max_tokens, stop_sequences, temperature, top_p          -> max_completion_tokens, stop, ...
    metadata.user_id                                        -> user
    stream                                                  -> stream, with usage at the end

What cannot be carried is dropped and named in :attr:`Translated.dropped`: thinking blocks
of earlier turns (their signatures mean nothing to another model), images inside tool
results, documents, server tools, and request fields with no counterpart (``thinking``,
``top_k``, ``context_management``...). ``metadata`` keys other than ``user_id`` are refused
as Anthropic refuses them.
"""

from __future__ import annotations

import json
from typing import Any

from sluice.sidecar.formats import FormatError, WrongShape
from sluice.sidecar.translate._common import JSON, Translated

__all__ = ["chat_request"]

# Fields copied as they are, or renamed.
_SAME = ("temperature", "top_p", "stream")
_RENAMED = {"max_tokens": "max_completion_tokens", "stop_sequences": "stop"}
_HANDLED = frozenset(
    {"model", "system", "messages", "tools", "tool_choice", "metadata", *_SAME, *_RENAMED}
)


def chat_request(obj: JSON, model: str | None = None) -> Translated:
    """The Chat Completions body for the Messages request ``obj`` (already read by the
    Anthropic adapter, so its shape is sound); ``model`` replaces the client's model name.
    Raises :class:`FormatError` for what Anthropic itself would refuse."""
    out = Translated({"model": model or obj.get("model")})
    body = out.body
    messages: list[JSON] = []
    if (system := obj.get("system")) is not None:
        messages.append({"role": "system", "content": _plain(system, out)})
    for message in obj.get("messages", []):
        messages += _message(message, out)
    body["messages"] = messages
    for key in _SAME:
        if key in obj:
            body[key] = obj[key]
    for key, to in _RENAMED.items():
        if key in obj:
            body[to] = obj[key]
    if obj.get("stream") is True:
        body["stream_options"] = {"include_usage": True}  # else no usage at all
    if (metadata := obj.get("metadata")) is not None:
        _metadata(metadata, body)
    if (tools := obj.get("tools")) is not None:
        body["tools"] = [t for tool in tools if (t := _tool(tool, out)) is not None]
        if not body["tools"]:
            del body["tools"]
    if (choice := obj.get("tool_choice")) is not None:
        _tool_choice(choice, body)
    for key in obj:
        if key not in _HANDLED:
            out.drop(key)
    return out


def _metadata(metadata: object, body: JSON) -> None:
    if not isinstance(metadata, dict):
        raise WrongShape("metadata", "expected an object")
    for key in metadata:
        if key != "user_id":  # as Anthropic answers it
            raise WrongShape(f"metadata.{key}", "Extra inputs are not permitted")
    if isinstance(user := metadata.get("user_id"), str):
        body["user"] = user


def _tool(tool: JSON, out: Translated) -> JSON | None:
    if "input_schema" not in tool:  # a server tool (web search, code execution...)
        out.drop(f"tools.{tool.get('name')}")
        return None
    function: JSON = {"name": tool["name"], "parameters": tool["input_schema"]}
    if "description" in tool:
        function["description"] = tool["description"]
    return {"type": "function", "function": function}


def _tool_choice(choice: JSON, body: JSON) -> None:
    kind = choice.get("type")
    if kind == "tool":
        body["tool_choice"] = {"type": "function", "function": {"name": choice.get("name")}}
    elif kind in ("auto", "none"):
        body["tool_choice"] = kind
    elif kind == "any":
        body["tool_choice"] = "required"
    if choice.get("disable_parallel_tool_use") is True and "tools" in body:
        body["parallel_tool_calls"] = False


def _plain(content: object, out: Translated) -> str:
    """Text of a system prompt: a string, or text blocks joined by blank lines."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        raise WrongShape("system", "expected a string or an array")
    texts = []
    for block in content:
        if isinstance(block, dict) and block.get("type") == "text":
            texts.append(str(block.get("text", "")))
        else:
            out.drop("system block")
    return "\n\n".join(texts)


def _message(message: JSON, out: Translated) -> list[JSON]:
    role, content = message.get("role"), message.get("content")
    if role == "system":
        return [{"role": "system", "content": _plain(content, out)}]
    if isinstance(content, str):
        return [{"role": role, "content": content}]
    if not isinstance(content, list):
        raise FormatError("messages: content must be a string or an array")
    if role == "assistant":
        return [_assistant(content, out)]
    return _user(content, out)


def _assistant(content: list[Any], out: Translated) -> JSON:
    texts: list[str] = []
    calls: list[JSON] = []
    for block in content:
        kind = block.get("type")
        if kind == "text":
            texts.append(block.get("text", ""))
        elif kind == "tool_use":
            arguments = json.dumps(block.get("input", {}), ensure_ascii=False)
            function = {"name": block.get("name"), "arguments": arguments}
            calls.append({"id": block.get("id"), "type": "function", "function": function})
        else:  # thinking: its signature cannot be checked by another model
            out.drop(str(kind))
    message: JSON = {"role": "assistant", "content": "".join(texts) or None}
    if calls:
        message["tool_calls"] = calls
    return message


def _user(content: list[Any], out: Translated) -> list[JSON]:
    # Tool messages must follow the assistant turn that called them, before any user text.
    results: list[JSON] = []
    parts: list[JSON] = []
    for block in content:
        kind = block.get("type")
        if kind == "tool_result":
            results.append(_result(block, out))
        elif kind == "text":
            parts.append({"type": "text", "text": block.get("text", "")})
        elif kind == "image" and (part := _image(block)) is not None:
            parts.append(part)
        else:
            out.drop(str(kind))
    if parts:
        if all(p["type"] == "text" for p in parts):
            results.append({"role": "user", "content": "\n\n".join(p["text"] for p in parts)})
        else:
            results.append({"role": "user", "content": parts})
    return results


def _image(block: JSON) -> JSON | None:
    source = block.get("source") or {}
    if source.get("type") == "base64":
        url = f"data:{source.get('media_type')};base64,{source.get('data')}"
    elif source.get("type") == "url":
        url = str(source.get("url"))
    else:
        return None
    return {"type": "image_url", "image_url": {"url": url}}


def _result(block: JSON, out: Translated) -> JSON:
    content = block.get("content")
    if isinstance(content, list):
        texts = []
        for part in content:
            if part.get("type") == "text":
                texts.append(part.get("text", ""))
            else:  # a tool message holds text only
                out.drop(f"tool_result {part.get('type')}")
        content = "\n".join(texts)
    text = content if isinstance(content, str) else ""
    if block.get("is_error") is True:
        text = f"Error: {text}"  # Chat has no error flag: the model reads it in the text
    return {"role": "tool", "tool_call_id": block.get("tool_use_id"), "content": text}
