"""An OpenAI Responses request body as an Anthropic Messages request body.

What maps::

    instructions, system and developer messages  -> system (joined by blank lines)
    input (a string, or message items)           -> user and assistant turns
    input_text / output_text, input_image        -> text, image (data: URL -> base64, or url)
    function_call, custom_tool_call              -> assistant tool_use (call_id kept as its id;
                                                    a custom call's input as {"input": text})
    function_call_output, custom_tool_call_output -> user tool_result, first in its turn
    (text, images)
    reasoning holding an Anthropic signature     -> thinking (see ._signatures)
    tools of type function, tool_choice,         -> tools (input_schema), tool_choice (with
    parallel_tool_calls                             disable_parallel_tool_use)
    tools of type custom (freeform)              -> tools taking {"input": string} (see
                                                    ._custom_tools)
    reasoning.effort                             -> thinking (see ._reasoning_effort)
    max_output_tokens, temperature, top_p        -> max_tokens, temperature (at most 1), top_p
    user (else safety_identifier), stream        -> metadata.user_id, stream

Anthropic requires ``max_tokens``: a request without ``max_output_tokens`` gets
:data:`DEFAULT_MAX_TOKENS`, and that is recorded. What has no counterpart is dropped and
named: reasoning items Anthropic did not sign (OpenAI's own encrypted reasoning), hosted
tools (``web_search``, ``namespace``...), ``input_file``, ``metadata``,
``prompt_cache_key``, ``truncation``... What OpenAI itself refuses is refused in its words
(:class:`FormatError`): ``max_output_tokens`` below 16, a ``temperature`` above 2, a call
(function or custom) without its output or the reverse, and ``previous_response_id`` or
``conversation``, which name responses the gateway does not keep.
"""

from __future__ import annotations

import json
from typing import Any

from sluice.sidecar.formats import FormatError, WrongShape
from sluice.sidecar.translate._anthropic_request import (
    DEFAULT_MAX_TOKENS,
    append_turn,
    image_block,
    max_tokens,
    tool_choice,
    word_choice,
)
from sluice.sidecar.translate._common import JSON, Translated
from sluice.sidecar.translate._custom_tools import INPUT, custom_tool
from sluice.sidecar.translate._reasoning_effort import think
from sluice.sidecar.translate._signatures import signature_of

__all__ = ["DEFAULT_MAX_TOKENS", "responses_anthropic_request"]

_HANDLED = frozenset(
    {
        "model",
        "instructions",
        "input",
        "tools",
        "tool_choice",
        "parallel_tool_calls",
        "max_output_tokens",
        "temperature",
        "top_p",
        "user",
        "safety_identifier",
        "stream",
        "include",  # reasoning.encrypted_content: read for the response
        "store",
        "text",
        "reasoning",  # effort: thinking; summary: Anthropic's thinking is its summary
    }
)
_CALLS = {"function_call": "function_call_output", "custom_tool_call": "custom_tool_call_output"}
_OUTPUTS = {output: call for call, output in _CALLS.items()}
_TEXTS = ("input_text", "output_text")


def responses_anthropic_request(obj: JSON, model: str | None = None) -> Translated:
    """The Messages body for the Responses request ``obj`` (already read by the Responses
    adapter, so its shape is sound); ``model`` replaces the client's model name. Raises
    :class:`FormatError` for what OpenAI itself would refuse."""
    _check(obj)
    out = Translated({"model": model or obj.get("model")})
    body = out.body
    system: list[str] = []
    if isinstance(instructions := obj.get("instructions"), str) and instructions:
        system.append(instructions)
    messages: list[JSON] = []
    input_ = obj.get("input")
    items = [{"role": "user", "content": input_}] if isinstance(input_, str) else input_ or []
    for item in items:
        _item(item, system, messages, out)
    if system:
        body["system"] = "\n\n".join(system)
    body["messages"] = messages
    limit = obj.get("max_output_tokens")
    max_tokens(out, limit)
    if (temperature := obj.get("temperature")) is not None:
        if temperature > 1:  # OpenAI's scale ends at 2, Anthropic's at 1
            out.drop(f"temperature ({temperature} sent as 1)")
        body["temperature"] = min(temperature, 1)
    for key in ("top_p", "stream"):
        if obj.get(key) is not None:
            body[key] = obj[key]
    user = obj.get("user") or obj.get("safety_identifier")
    if isinstance(user, str) and user:
        body["metadata"] = {"user_id": user}
    if tools := obj.get("tools"):
        body["tools"] = [t for tool in tools if (t := _tool(tool, out)) is not None]
        if not body["tools"]:
            del body["tools"]
    _tool_choice(obj, body, out)
    think(obj, body, out)
    _unhandled(obj, out)
    return out


def _check(obj: JSON) -> None:
    """Refuse, as OpenAI words it, what OpenAI itself refuses."""
    for key, what in (("previous_response_id", "Previous response"), ("conversation", "")):
        if (value := obj.get(key)) is not None:
            name = value.get("id") if isinstance(value, dict) else value
            what = what or "Conversation"
            raise FormatError(f"{what} with id '{name}' not found.", key)
    limit = obj.get("max_output_tokens")
    if isinstance(limit, int) and limit < 16:
        raise FormatError(
            "Invalid 'max_output_tokens': integer below minimum value. "
            f"Expected a value >= 16, but got {limit} instead.",
            "max_output_tokens",
        )
    temperature = obj.get("temperature")
    if isinstance(temperature, int | float) and not 0 <= temperature <= 2:
        bound = "below minimum" if temperature < 0 else "above maximum"
        limit_text = ">= 0" if temperature < 0 else "<= 2"
        raise FormatError(
            f"Invalid 'temperature': decimal {bound} value. "
            f"Expected a value {limit_text}, but got {temperature} instead.",
            "temperature",
        )
    input_ = obj.get("input")
    if not isinstance(input_, list):
        return
    calls: dict[str, str] = {}  # call_id -> its kind
    answered: set[str] = set()
    for item in input_:
        kind, call_id = item.get("type"), str(item.get("call_id"))
        if kind in _CALLS:
            calls[call_id] = kind
        elif kind in _OUTPUTS:
            if call_id not in calls:
                what = _OUTPUTS[kind].removesuffix("_call").replace("_", " ")
                raise FormatError(
                    f"No tool call found for {what} call output with call_id {call_id}.",
                    "input",
                )
            answered.add(call_id)
    for call_id, kind in calls.items():
        if call_id not in answered:
            what = kind.removesuffix("_call").replace("_", " ")
            raise FormatError(f"No tool output found for {what} call {call_id}.", "input")


def _unhandled(obj: JSON, out: Translated) -> None:
    for key, value in obj.items():
        if key in _HANDLED or value is None:
            continue
        out.drop(key)
    include = [i for i in obj.get("include") or [] if i != "reasoning.encrypted_content"]
    for name in include:
        out.drop(f"include.{name}")
    if obj.get("store") is True:
        out.drop("store")
    text = obj.get("text")
    if isinstance(text, dict):
        format_ = text.get("format")
        if isinstance(format_, dict) and format_.get("type") not in (None, "text"):
            out.drop("text.format")
        if text.get("verbosity") not in (None, "medium"):
            out.drop("text.verbosity")


def _item(item: JSON, system: list[str], messages: list[JSON], out: Translated) -> None:
    kind = item.get("type") or "message"  # an "easy" input message has no type
    if kind == "message":
        role = item.get("role")
        if role in ("system", "developer"):
            system.append("\n\n".join(b["text"] for b in _content(item, out) if "text" in b))
        else:
            append_turn(
                messages, "assistant" if role == "assistant" else "user", _content(item, out)
            )
    elif kind == "function_call":
        try:
            arguments: Any = json.loads(item.get("arguments") or "{}")
        except ValueError:
            raise WrongShape("input.arguments", "must be JSON") from None
        call = {"type": "tool_use", "id": item.get("call_id"), "name": item.get("name")}
        append_turn(messages, "assistant", [call | {"input": arguments}])
    elif kind == "custom_tool_call":
        call = {"type": "tool_use", "id": item.get("call_id"), "name": item.get("name")}
        append_turn(
            messages, "assistant", [call | {"input": {INPUT: str(item.get("input") or "")}}]
        )
    elif kind in _OUTPUTS:
        append_turn(messages, "user", [_result(item, out)])
    elif kind == "reasoning":
        append_turn(messages, "assistant", _thinking(item, out))
    else:  # item references, hosted tool calls and their outputs...
        out.drop(f"input.{kind}")


def _content(item: JSON, out: Translated) -> list[JSON]:
    content = item.get("content")
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    blocks: list[JSON] = []
    for part in content or []:
        kind = part.get("type")
        if kind in _TEXTS:
            if part.get("text"):  # Anthropic refuses an empty text block
                blocks.append({"type": "text", "text": part["text"]})
        elif kind == "input_image" and isinstance(url := part.get("image_url"), str):
            blocks.append(image_block(url))
        else:  # input_image by file_id, input_file, refusal...
            out.drop(str(kind))
    return blocks


def _result(item: JSON, out: Translated) -> JSON:
    output = item.get("output")
    result: JSON = {"type": "tool_result", "tool_use_id": item.get("call_id")}
    if isinstance(output, list):
        blocks = _content({"content": output}, out)
        text_only = all(b["type"] == "text" for b in blocks)
        result["content"] = "\n".join(b["text"] for b in blocks) if text_only else blocks
    else:
        result["content"] = output if isinstance(output, str) else ""
    return result


def _thinking(item: JSON, out: Translated) -> list[JSON]:
    """A reasoning item as a thinking block, when Anthropic signed it; else dropped."""
    signature = signature_of(item.get("encrypted_content"))
    parts = item.get("summary") or item.get("content") or []
    text = "\n\n".join(p.get("text", "") for p in parts if isinstance(p, dict))
    if signature is None or not text:
        out.drop("reasoning")
        return []
    return [{"type": "thinking", "thinking": text, "signature": signature}]


def _tool(tool: JSON, out: Translated) -> JSON | None:
    if tool.get("type") == "custom":
        return custom_tool(tool, out)
    if tool.get("type") != "function":  # hosted tools: web_search, file_search, namespace...
        out.drop(f"tools.{tool.get('type')}")
        return None
    schema = tool.get("parameters") or {"type": "object", "properties": {}}
    result: JSON = {"name": tool.get("name"), "input_schema": schema}
    if tool.get("description"):
        result["description"] = tool["description"]
    return result


def _tool_choice(obj: JSON, body: JSON, out: Translated) -> None:
    choice = obj.get("tool_choice")
    translated = word_choice(choice)
    if isinstance(choice, dict) and choice.get("type") in ("function", "custom"):
        translated = {"type": "tool", "name": choice.get("name")}
    elif translated is None and choice is not None:  # allowed_tools, a hosted tool...
        out.drop("tool_choice")
    tool_choice(obj, body, translated)
