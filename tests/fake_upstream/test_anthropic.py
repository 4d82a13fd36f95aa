"""Anthropic Messages, driven by the official ``anthropic`` SDK."""

from __future__ import annotations

import json

import anthropic
import httpx2
import pytest

from sluice.fake_upstream import FakeUpstream, thinking_signature

from .conftest import USER, post, sse


async def test_text_reply(claude: anthropic.AsyncAnthropic) -> None:
    raw = await claude.messages.with_raw_response.create(
        model="claude-sonnet-5", max_tokens=100, messages=USER
    )
    message = await raw.parse()

    assert raw.headers["request-id"].startswith("req_011C")
    assert message.model == "claude-sonnet-5"
    assert message.stop_reason == "end_turn"
    assert [block.type for block in message.content] == ["text"]
    assert "fake upstream" in message.content[0].text
    assert message.usage.input_tokens > 0
    assert message.usage.output_tokens > 10
    assert message.usage.cache_read_input_tokens == 0


async def test_stream_frames_every_event_with_its_name(upstream: FakeUpstream) -> None:
    body = {"model": "thinking_tools", "max_tokens": 100, "stream": True, "messages": USER}
    status, headers, raw = await post(upstream, "/v1/messages?beta=true", body)

    assert status == 200
    assert headers["content-type"] == "text/event-stream; charset=utf-8"
    events = sse(raw)
    assert all(name == json.loads(data)["type"] for name, data in events)
    names = [name for name, _ in events]
    assert names[:3] == ["message_start", "content_block_start", "ping"]
    assert names[-2:] == ["message_delta", "message_stop"]
    deltas = [
        json.loads(data)["delta"]["type"] for name, data in events if name == "content_block_delta"
    ]
    assert deltas.index("signature_delta") < deltas.index("text_delta")
    # Every tool call opens with an empty JSON fragment, as the real API does.
    assert {"type": "input_json_delta", "partial_json": ""} in [
        json.loads(data)["delta"] for name, data in events if name == "content_block_delta"
    ]


async def test_streamed_tool_calls(claude: anthropic.AsyncAnthropic) -> None:
    async with claude.messages.stream(model="tools", max_tokens=100, messages=USER) as stream:
        json_deltas = [event async for event in stream if event.type == "input_json"]
        message = await stream.get_final_message()

    assert message.stop_reason == "tool_use"
    assert [block.type for block in message.content] == ["text", "tool_use", "tool_use"]
    calls = [(block.name, block.input) for block in message.content if block.type == "tool_use"]
    assert calls == [("Bash", {"command": "ls -la"}), ("Read", {"file_path": "/etc/hosts"})]
    assert len(json_deltas) >= 6  # arguments arrive in several pieces
    assert all(
        block.id.startswith("toolu_01") for block in message.content if block.type == "tool_use"
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            '{"name": "Bash", "arguments": {"command": "rm -rf /"}}',
            [("Bash", {"command": "rm -rf /"})],
        ),
        (
            '[{"name": "Bash", "arguments": {"command": "rm -rf /"}},'
            ' {"name": "Write", "arguments": "{\\"file_path\\": \\"/etc/passwd\\"}"}]',
            [("Bash", {"command": "rm -rf /"}), ("Write", {"file_path": "/etc/passwd"})],
        ),
    ],
)
async def test_requested_tool_calls(
    claude: anthropic.AsyncAnthropic, header: str, expected: list[tuple[str, object]]
) -> None:
    async with claude.messages.stream(
        model="claude-sonnet-5",
        max_tokens=100,
        messages=USER,
        extra_headers={"x-fake-tool": header},
    ) as stream:
        message = await stream.get_final_message()

    assert [
        (block.name, block.input) for block in message.content if block.type == "tool_use"
    ] == expected


async def test_thinking_comes_first_and_is_signed(claude: anthropic.AsyncAnthropic) -> None:
    async with claude.messages.stream(model="thinking", max_tokens=100, messages=USER) as stream:
        message = await stream.get_final_message()

    thinking, text = message.content
    assert thinking.type == "thinking"
    assert text.type == "text"
    assert thinking.thinking
    assert thinking.signature == thinking_signature(thinking.thinking)
    assert message.stop_reason == "end_turn"


async def test_a_returned_conversation_is_accepted(claude: anthropic.AsyncAnthropic) -> None:
    first = await claude.messages.create(model="thinking_tools", max_tokens=100, messages=USER)
    results = [
        {"type": "tool_result", "tool_use_id": block.id, "content": "ok"}
        for block in first.content
        if block.type == "tool_use"
    ]
    history = [*USER, first.to_param(), {"role": "user", "content": results}]

    second = await claude.messages.create(model="text", max_tokens=100, messages=history)

    assert second.stop_reason == "end_turn"


async def test_altered_thinking_is_refused(claude: anthropic.AsyncAnthropic) -> None:
    first = await claude.messages.create(model="thinking", max_tokens=100, messages=USER)
    content = [block.to_dict() for block in first.content]
    content[0]["thinking"] += " (edited by a proxy)"
    history = [
        *USER,
        {"role": "assistant", "content": content},
        {"role": "user", "content": "go on"},
    ]

    with pytest.raises(anthropic.BadRequestError) as caught:
        await claude.messages.create(model="text", max_tokens=100, messages=history)

    assert caught.value.body["error"]["message"] == (
        "messages.1.content.0: Invalid `signature` in `thinking` block"
    )


@pytest.mark.parametrize(
    ("script", "error", "status", "error_type"),
    [
        ("error_400", anthropic.BadRequestError, 400, "invalid_request_error"),
        ("error_429", anthropic.RateLimitError, 429, "rate_limit_error"),
        ("error_500", anthropic.InternalServerError, 500, "api_error"),
        ("error_529", anthropic.OverloadedError, 529, "overloaded_error"),
    ],
)
@pytest.mark.parametrize("stream", [False, True])
async def test_errors(
    claude: anthropic.AsyncAnthropic,
    script: str,
    error: type[anthropic.APIStatusError],
    status: int,
    error_type: str,
    stream: bool,
) -> None:
    with pytest.raises(error) as caught:
        await claude.messages.create(model=script, max_tokens=100, messages=USER, stream=stream)

    assert caught.value.status_code == status
    assert caught.value.request_id is not None
    assert caught.value.body == {
        "type": "error",
        "error": {"type": error_type, "message": caught.value.api_message},
        "request_id": caught.value.request_id,
    }
    if status == 429:
        assert caught.value.response.headers["retry-after"] == "1"


async def test_midstream_error_event(claude: anthropic.AsyncAnthropic) -> None:
    text: list[str] = []
    with pytest.raises(anthropic.APIStatusError) as caught:
        await _read_text(claude, "midstream_error", into=text)

    assert text == ["I'll look at the directory"]
    assert caught.value.body["error"]["type"] == "overloaded_error"


async def _read_text(claude: anthropic.AsyncAnthropic, model: str, *, into: list[str]) -> None:
    async with claude.messages.stream(model=model, max_tokens=100, messages=USER) as stream:
        async for chunk in stream.text_stream:
            into.append(chunk)


async def test_malformed_event(claude: anthropic.AsyncAnthropic) -> None:
    with pytest.raises(json.JSONDecodeError):
        async with claude.messages.stream(
            model="malformed", max_tokens=100, messages=USER
        ) as stream:
            await stream.get_final_message()


async def test_early_close(claude: anthropic.AsyncAnthropic) -> None:
    # The body ends before its last chunk. The SDK up to 2.16 lets httpx's error through;
    # from 2.17 it raises its own connection error, caused by httpx's.
    with pytest.raises((httpx2.RemoteProtocolError, anthropic.APIConnectionError)) as raised:
        async with claude.messages.stream(
            model="early_close", max_tokens=100, messages=USER
        ) as stream:
            await stream.get_final_message()
    error = raised.value
    cause = error.__cause__ if isinstance(error, anthropic.APIConnectionError) else error
    assert isinstance(cause, httpx2.RemoteProtocolError)
    assert "incomplete chunked read" in str(cause)


@pytest.mark.parametrize("script", ["midstream_error", "malformed", "early_close"])
async def test_faults_spare_the_non_streaming_retry(
    claude: anthropic.AsyncAnthropic, script: str
) -> None:
    message = await claude.messages.create(model=script, max_tokens=100, messages=USER)

    assert [block.type for block in message.content] == ["text", "tool_use", "tool_use"]


async def test_beta_query_string(claude: anthropic.AsyncAnthropic, upstream: FakeUpstream) -> None:
    # Claude Code calls /v1/messages?beta=true.
    message = await claude.beta.messages.create(
        model="text", max_tokens=100, messages=USER, extra_query={"beta": "true"}
    )

    assert upstream.requests.last.path == "/v1/messages?beta=true"
    assert message.stop_reason == "end_turn"


async def test_prompt_caching_usage(claude: anthropic.AsyncAnthropic) -> None:
    cached = {"type": "text", "text": "x" * 4000, "cache_control": {"type": "ephemeral"}}
    messages = [
        {"role": "user", "content": [cached]},
        {"role": "assistant", "content": "Noted."},
        {"role": "user", "content": [{**cached, "text": "y" * 2000}]},
    ]
    message = await claude.messages.create(model="text", max_tokens=100, messages=messages)

    # Read up to the previous breakpoint, written up to the last one, the rest uncached.
    assert message.usage.cache_read_input_tokens == pytest.approx(1000, abs=50)
    assert message.usage.cache_creation_input_tokens == pytest.approx(500, abs=50)
    assert 0 < message.usage.input_tokens < 50


async def test_count_tokens(claude: anthropic.AsyncAnthropic) -> None:
    small = await claude.messages.count_tokens(model="claude-sonnet-5", messages=USER)
    big = await claude.messages.count_tokens(
        model="claude-sonnet-5", messages=[{"role": "user", "content": "word " * 1000}]
    )

    assert 0 < small.input_tokens < big.input_tokens


async def test_models(claude: anthropic.AsyncAnthropic) -> None:
    models = [model.id async for model in claude.models.list()]

    assert "claude-sonnet-5" in models
    assert "tools" in models
