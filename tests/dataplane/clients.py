"""The official SDKs, pointed at a base URL, and what they read reduced to comparable facts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import anthropic
import openai

from sluice.model import Format

__all__ = ["Reply", "ask"]

PROMPT = "List the files here, then read /etc/hosts."


@dataclass(frozen=True)
class Reply:
    """What a user would notice of a response: its text, thinking, tool calls and ending."""

    text: str
    thinking: tuple[str, ...]
    signatures: tuple[str, ...]
    tool_calls: tuple[tuple[str, Any], ...]
    stop: str | None
    output_tokens: int | None


def anthropic_client(base_url: str) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(base_url=base_url, api_key="sk-ant-test-key", max_retries=0)


def openai_client(base_url: str) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=f"{base_url}/v1", api_key="sk-test-key", max_retries=0)


async def ask(
    base_url: str,
    fmt: Format,
    *,
    stream: bool,
    script: str,
    headers: dict[str, str] | None = None,
    model: str = "gpt-5",
) -> Reply:
    """What the official SDK reads of a response to :data:`PROMPT` (``model``: the model an
    OpenAI Responses client asks for)."""
    headers = {"x-fake-script": script, **(headers or {})}
    if fmt is Format.ANTHROPIC:
        return await _anthropic(base_url, stream, headers)
    if fmt is Format.OPENAI_CHAT:
        return await _openai_chat(base_url, stream, headers)
    return await _openai_responses(base_url, stream, headers, model)


async def _anthropic(base_url: str, stream: bool, headers: dict[str, str]) -> Reply:
    client = anthropic_client(base_url)
    request: dict[str, Any] = {
        "model": "claude-sonnet-4-6",
        "max_tokens": 2048,
        "messages": [{"role": "user", "content": PROMPT}],
        "extra_headers": headers,
    }
    async with client:
        if stream:
            async with client.messages.stream(**request) as events:
                message = await events.get_final_message()
        else:
            message = await client.messages.create(**request)
    blocks = message.content
    return Reply(
        text="".join(b.text for b in blocks if b.type == "text"),
        thinking=tuple(b.thinking for b in blocks if b.type == "thinking"),
        signatures=tuple(b.signature for b in blocks if b.type == "thinking"),
        tool_calls=tuple((b.name, b.input) for b in blocks if b.type == "tool_use"),
        stop=message.stop_reason,
        output_tokens=message.usage.output_tokens,
    )


async def _openai_chat(base_url: str, stream: bool, headers: dict[str, str]) -> Reply:
    import json

    client = openai_client(base_url)
    messages: Any = [{"role": "user", "content": PROMPT}]
    async with client:
        if not stream:
            completion = await client.chat.completions.create(
                model="gpt-5", messages=messages, extra_headers=headers
            )
            choice = completion.choices[0]
            calls = choice.message.tool_calls or []
            return Reply(
                text=choice.message.content or "",
                thinking=(),
                signatures=(),
                tool_calls=tuple(
                    (c.function.name, json.loads(c.function.arguments))
                    for c in calls
                    if c.type == "function"
                ),
                stop=choice.finish_reason,
                output_tokens=completion.usage.completion_tokens if completion.usage else None,
            )
        text, stop, usage = "", None, None
        tools: dict[int, list[str]] = {}
        chunks = await client.chat.completions.create(
            model="gpt-5",
            messages=messages,
            stream=True,
            stream_options={"include_usage": True},
            extra_headers=headers,
        )
        async for chunk in chunks:
            if chunk.usage:
                usage = chunk.usage.completion_tokens
            for choice in chunk.choices:
                text += choice.delta.content or ""
                for call in choice.delta.tool_calls or []:
                    entry = tools.setdefault(call.index, ["", ""])
                    if call.function and call.function.name:
                        entry[0] = call.function.name
                    if call.function and call.function.arguments:
                        entry[1] += call.function.arguments
                stop = choice.finish_reason or stop
    return Reply(
        text=text,
        thinking=(),
        signatures=(),
        tool_calls=tuple((name, json.loads(args)) for name, args in tools.values()),
        stop=stop,
        output_tokens=usage,
    )


async def _openai_responses(
    base_url: str, stream: bool, headers: dict[str, str], model: str
) -> Reply:
    import json

    client = openai_client(base_url)
    async with client:
        if stream:
            async with client.responses.stream(
                model=model, input=PROMPT, extra_headers=headers
            ) as events:
                response = await events.get_final_response()
        else:
            response = await client.responses.create(
                model=model, input=PROMPT, extra_headers=headers
            )
    calls = [item for item in response.output if item.type == "function_call"]
    reasoning = [item for item in response.output if item.type == "reasoning"]
    return Reply(
        text=response.output_text,
        thinking=tuple(s.text for item in reasoning for s in item.summary),
        signatures=tuple(item.encrypted_content or "" for item in reasoning),
        tool_calls=tuple((c.name, json.loads(c.arguments)) for c in calls),
        stop=response.status,
        output_tokens=response.usage.output_tokens if response.usage else None,
    )
