"""OpenAI Chat Completions, driven by the official ``openai`` SDK."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import openai
import pytest

from .conftest import USER, post, sse

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionChunk

    from sluice.fake_upstream import FakeUpstream


async def test_text_reply(gpt: openai.AsyncOpenAI) -> None:
    raw = await gpt.chat.completions.with_raw_response.create(model="gpt-5.5", messages=USER)
    completion = raw.parse()

    assert raw.headers["x-request-id"].startswith("req_")
    assert completion.object == "chat.completion"
    assert completion.model == "gpt-5.5"
    choice = completion.choices[0]
    assert choice.finish_reason == "stop"
    assert choice.message.content is not None
    assert "fake upstream" in choice.message.content
    assert choice.message.tool_calls is None
    assert completion.usage is not None
    assert completion.usage.total_tokens == (
        completion.usage.prompt_tokens + completion.usage.completion_tokens
    )


async def test_stream_with_usage_ends_with_usage_chunk_and_done(upstream: FakeUpstream) -> None:
    body = {
        "model": "text",
        "messages": USER,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    status, headers, raw = await post(upstream, "/v1/chat/completions", body)

    assert status == 200
    assert headers["content-type"] == "text/event-stream; charset=utf-8"
    assert raw.endswith(b"data: [DONE]\n\n")
    events = sse(raw)
    assert all(name is None for name, _ in events)  # no event: lines in this format
    chunks = [json.loads(data) for _, data in events[:-1]]
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"]["completion_tokens"] > 0
    assert all(chunk["usage"] is None for chunk in chunks[:-1])
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"


async def test_stream_without_usage(gpt: openai.AsyncOpenAI) -> None:
    stream = await gpt.chat.completions.create(model="text", messages=USER, stream=True)
    chunks = [chunk async for chunk in stream]

    assert all(chunk.usage is None and chunk.choices for chunk in chunks)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks)
    assert "café, naïve and 🚀" in text


async def test_streamed_tool_calls(gpt: openai.AsyncOpenAI) -> None:
    async with gpt.chat.completions.stream(model="tools", messages=USER) as stream:
        argument_deltas = [
            event async for event in stream if event.type == "tool_calls.function.arguments.delta"
        ]
        completion = await stream.get_final_completion()

    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content == "I'll look at the directory and the hosts file first."
    calls = [
        (call.function.name, call.function.arguments) for call in choice.message.tool_calls or []
    ]
    assert calls == [("Bash", '{"command": "ls -la"}'), ("Read", '{"file_path": "/etc/hosts"}')]
    assert len(argument_deltas) >= 6


async def test_requested_tool_call(gpt: openai.AsyncOpenAI) -> None:
    completion = await gpt.chat.completions.create(
        model="gpt-5.5",
        messages=USER,
        extra_headers={"x-fake-tool": '{"name": "Bash", "arguments": {"command": "rm -rf /"}}'},
    )

    calls = completion.choices[0].message.tool_calls or []
    assert [(call.function.name, json.loads(call.function.arguments)) for call in calls] == [
        ("Bash", {"command": "rm -rf /"})
    ]


async def test_thinking_counts_as_reasoning_tokens_only(gpt: openai.AsyncOpenAI) -> None:
    completion = await gpt.chat.completions.create(model="thinking", messages=USER)

    assert completion.usage is not None
    assert completion.usage.completion_tokens_details is not None
    assert completion.usage.completion_tokens_details.reasoning_tokens > 0
    assert "brief reply" not in (completion.choices[0].message.content or "")


@pytest.mark.parametrize(
    ("script", "error", "status", "code"),
    [
        ("error_400", openai.BadRequestError, 400, "context_length_exceeded"),
        ("error_429", openai.RateLimitError, 429, "rate_limit_exceeded"),
        ("error_500", openai.InternalServerError, 500, None),
        ("error_529", openai.InternalServerError, 503, None),
    ],
)
async def test_errors(
    gpt: openai.AsyncOpenAI,
    script: str,
    error: type[openai.APIStatusError],
    status: int,
    code: str | None,
) -> None:
    with pytest.raises(error) as caught:
        await gpt.chat.completions.create(model=script, messages=USER, stream=True)

    assert caught.value.status_code == status
    assert caught.value.code == code
    assert caught.value.request_id is not None
    assert set(caught.value.body) == {"message", "type", "param", "code"}
    if status == 429:
        assert caught.value.response.headers["retry-after"] == "1"


async def test_midstream_error(gpt: openai.AsyncOpenAI) -> None:
    stream = await gpt.chat.completions.create(model="midstream_error", messages=USER, stream=True)
    text: list[str] = []
    with pytest.raises(openai.APIError, match="The server had an error"):
        await _read_text(stream, into=text)

    assert "".join(text) == "I'll look at the directory"


async def _read_text(stream: openai.AsyncStream[ChatCompletionChunk], *, into: list[str]) -> None:
    async for chunk in stream:
        into.append(chunk.choices[0].delta.content or "")


async def test_malformed_event(gpt: openai.AsyncOpenAI) -> None:
    stream = await gpt.chat.completions.create(model="malformed", messages=USER, stream=True)
    with pytest.raises(json.JSONDecodeError):
        async for _ in stream:
            pass


async def test_early_close(gpt: openai.AsyncOpenAI) -> None:
    stream = await gpt.chat.completions.create(model="early_close", messages=USER, stream=True)
    with pytest.raises(openai.APIConnectionError):
        async for _ in stream:
            pass


async def test_models(gpt: openai.AsyncOpenAI) -> None:
    models = [model async for model in gpt.models.list()]

    assert {"gpt-5.5", "tools"} <= {model.id for model in models}
    assert all(model.object == "model" for model in models)


@pytest.mark.parametrize("stream", [True, False])
async def test_the_compatible_personality_shows_reasoning_as_vllm_does(
    upstream: FakeUpstream, stream: bool
) -> None:
    body = {"model": "thinking", "messages": USER, "stream": stream}
    compatible = {"x-fake-personality": "compatible"}
    _, _, raw = await post(upstream, "/v1/chat/completions", body, compatible)
    _, _, plain = await post(upstream, "/v1/chat/completions", body)
    if stream:
        chunks = [json.loads(data) for _, data in sse(raw)[:-1]]
        deltas = [c["choices"][0]["delta"] for c in chunks if c["choices"]]
        reasoning = "".join(d.get("reasoning_content", "") for d in deltas)
        assert all("system_fingerprint" not in c for c in chunks)
        assert b"reasoning_content" not in plain  # OpenAI itself never shows it
    else:
        message = json.loads(raw)["choices"][0]["message"]
        reasoning = message["reasoning_content"]
        assert "system_fingerprint" not in json.loads(raw)
        assert "reasoning_content" not in json.loads(plain)["choices"][0]["message"]
    assert reasoning  # the thinking script's reasoning, in the field vLLM and DeepSeek use


async def test_an_unknown_personality_is_refused(upstream: FakeUpstream) -> None:
    body = {"model": "text", "messages": USER}
    status, _, raw = await post(
        upstream, "/v1/chat/completions", body, {"x-fake-personality": "grok"}
    )
    assert status == 400
    assert b"x-fake-personality" in raw


@pytest.mark.parametrize(
    ("headers", "options", "padded"),
    [
        ({}, {"include_usage": True}, True),  # OpenAI's default
        ({}, {"include_usage": True, "include_obfuscation": False}, False),
        ({"x-fake-personality": "compatible"}, {"include_usage": True}, False),
    ],
)
async def test_openai_pads_every_chunk_unless_asked_not_to(
    upstream: FakeUpstream, headers: dict[str, str], options: dict[str, object], padded: bool
) -> None:
    body = {"model": "long", "messages": USER, "stream": True, "stream_options": options}
    _, _, raw = await post(upstream, "/v1/chat/completions", body, headers)
    events = sse(raw)
    assert events[-1][1] == "[DONE]"
    chunks = [json.loads(data) for _, data in events[:-1]]
    if not padded:
        assert all("obfuscation" not in c for c in chunks)
        return
    assert all(list(c)[-1] == "obfuscation" for c in chunks)  # the last member, usage too
    paddings = [c["obfuscation"] for c in chunks]
    assert all(isinstance(p, str) and p for p in paddings)
    assert len({len(p) for p in paddings}) > 1  # of random length
    _, _, again = await post(upstream, "/v1/chat/completions", body, headers)
    assert [json.loads(d)["obfuscation"] for _, d in sse(again)[:-1]] == paddings  # replayable
