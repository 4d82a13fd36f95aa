"""An Anthropic client (the official SDK) on an OpenAI Chat Completions provider, and an
OpenAI Chat client on an Anthropic provider: the gateway translates the request, the
stream and whole answers, errors, and still blocks a tool call inside the translated stream.

The gateway's /v1/messages route sends ``claude-*`` models to a provider declared with
``format: openai_chat`` (the fake's Chat Completions endpoint, answering as an
OpenAI-compatible server), renamed to ``qwen3-coder``; its /v1/chat/completions route sends
``gpt-5`` to a provider declared with ``format: anthropic``, renamed to
``claude-sonnet-4-6``. Every answer is compared with what the same script gives when asked
directly in the provider's format, so nothing here is hard-coded.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anthropic
import openai
import pytest

from sluice.model import Format, ToolCall
from sluice.store import Outcome
from tests.dataplane.claude_code import assert_chat_tool_round_trip, tool_round_trip
from tests.dataplane.clients import PROMPT, anthropic_client, ask, openai_client
from tests.dataplane.test_event_log import store_url, transcript
from tests.dataplane.translating import (
    COMPATIBLE,
    OPENAI_ERRORS,
    SUDO,
    sent,
    translating_gateway,
)
from tests.harness import FakeUpstream, Gateway


@pytest.fixture(scope="module")
def translating(workdir: Path, upstream: FakeUpstream) -> Iterator[Gateway]:
    route = {
        "path": "/v1/messages",
        "format": "anthropic",
        "provider": "anthropic",
        "models": [{"model": "claude-*", "provider": "local", "upstream_model": "qwen3-coder"}],
    }
    chat = {
        "path": "/v1/chat/completions",
        "format": "openai_chat",
        "provider": "openai",
        "models": [{"model": "gpt-5", "provider": "claude", "upstream_model": "claude-sonnet-4-6"}],
    }
    policies = [{"name": "no_sudo:NoSudo"}]
    with translating_gateway(workdir / "translating", upstream, [route, chat], policies) as gw:
        yield gw


@pytest.mark.parametrize("stream", [True, False])
@pytest.mark.parametrize("script", ["text", "tools", "thinking_tools"])
async def test_an_anthropic_client_reads_a_chat_provider_answer(
    translating: Gateway, upstream: FakeUpstream, stream: bool, script: str
) -> None:
    marker = uuid.uuid4().hex
    headers = COMPATIBLE | {"x-test-id": marker}
    reply = await ask(
        translating.url, Format.ANTHROPIC, stream=stream, script=script, headers=headers
    )
    direct = await ask(upstream.url, Format.OPENAI_CHAT, stream=stream, script=script)
    assert reply.text == direct.text
    assert reply.tool_calls == direct.tool_calls  # parallel calls, arguments parsed
    assert reply.stop == {"stop": "end_turn", "tool_calls": "tool_use"}[direct.stop or ""]
    assert reply.output_tokens == direct.output_tokens
    if script == "thinking_tools":  # reasoning_content became a thinking block, unsigned
        anthropic_direct = await ask(upstream.url, Format.ANTHROPIC, stream=stream, script=script)
        assert reply.thinking == anthropic_direct.thinking
        assert reply.signatures == ("",)
    [request] = sent(upstream, marker)
    assert request["path"].partition("?")[0] == "/v1/chat/completions"
    body = json.loads(request["body"])
    assert body["model"] == "qwen3-coder"
    assert body["max_completion_tokens"] == 2048
    assert body["messages"] == [{"role": "user", "content": PROMPT}]
    assert "anthropic-version" not in request["headers"]
    assert request["headers"]["authorization"] == "Bearer sk-ant-test-key"


@pytest.mark.parametrize("script", ["text", "tools"])
async def test_openai_s_own_padded_chunks_read_the_same(
    translating: Gateway, upstream: FakeUpstream, script: str
) -> None:
    # The fake's default personality pads every chunk with "obfuscation", as OpenAI does.
    marker = uuid.uuid4().hex
    reply = await ask(
        translating.url, Format.ANTHROPIC, stream=True, script=script, headers={"x-test-id": marker}
    )
    direct = await ask(upstream.url, Format.OPENAI_CHAT, stream=True, script=script)
    assert reply.text == direct.text
    assert reply.tool_calls == direct.tool_calls
    assert reply.output_tokens == direct.output_tokens
    [request] = sent(upstream, marker)
    assert "include_obfuscation" not in json.loads(request["body"])["stream_options"]


@pytest.mark.parametrize("stream", [True, False])
async def test_a_blocked_tool_call_becomes_the_refusal_in_the_anthropic_answer(
    translating: Gateway, stream: bool
) -> None:
    headers = COMPATIBLE | {"x-fake-tool": json.dumps([SUDO])}
    reply = await ask(
        translating.url, Format.ANTHROPIC, stream=stream, script="tools", headers=headers
    )
    assert reply.tool_calls == ()
    assert "Sluice blocked a tool call." in reply.text
    assert '"command": "sudo rm -rf /var/lib/app"' in reply.text
    assert reply.stop == "end_turn"


@pytest.mark.parametrize(
    ("script", "error"),
    [
        ("error_400", anthropic.BadRequestError),
        ("error_429", anthropic.RateLimitError),
        ("error_500", anthropic.InternalServerError),
        ("error_529", anthropic.InternalServerError),  # OpenAI formats answer 503
    ],
)
@pytest.mark.parametrize("stream", [True, False])
async def test_a_provider_error_is_the_anthropic_sdk_exception(
    translating: Gateway, script: str, error: type[anthropic.APIStatusError], stream: bool
) -> None:
    with pytest.raises(error) as raised:
        await ask(translating.url, Format.ANTHROPIC, stream=stream, script=script)
    body = raised.value.body
    assert isinstance(body, dict)
    assert body["type"] == "error"
    assert body["error"]["message"]
    if script == "error_429":
        assert raised.value.response.headers["retry-after"] == "1"


async def test_a_stream_failing_midway_ends_in_the_anthropic_error_event(
    translating: Gateway,
) -> None:
    with pytest.raises(anthropic.APIStatusError) as raised:
        await ask(translating.url, Format.ANTHROPIC, stream=True, script="midstream_error")
    body = raised.value.body
    assert isinstance(body, dict)
    assert body["type"] == "error"


@pytest.mark.parametrize("blocked", [False, True])
async def test_the_next_turn_is_valid_chat_for_the_provider(
    translating: Gateway, upstream: FakeUpstream, blocked: bool
) -> None:
    """The tool results (an error among them) of the turn after an allowed or a blocked
    call, translated, pass the provider's history checks."""
    marker = uuid.uuid4().hex
    headers = COMPATIBLE | {"x-test-id": marker}
    if blocked:
        headers["x-fake-tool"] = json.dumps([SUDO])
    messages: list[Any] = [{"role": "user", "content": PROMPT}]
    async with anthropic_client(translating.url) as client:
        first = await client.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=512,
            messages=messages,
            extra_headers=headers | {"x-fake-script": "thinking_tools"},
        )
        messages.append({"role": "assistant", "content": first.model_dump()["content"]})
        calls = [block for block in first.content if block.type == "tool_use"]
        results: list[Any] = [
            {"type": "tool_result", "tool_use_id": c.id, "content": "done", "is_error": i == 1}
            for i, c in enumerate(calls)
        ]
        messages.append({"role": "user", "content": [*results, {"type": "text", "text": "go"}]})
        second = await client.messages.create(
            model="claude-sonnet-4-6", max_tokens=512, messages=messages, extra_headers=headers
        )
    assert second.stop_reason == "end_turn"
    assert len(calls) == (0 if blocked else 2)
    body = json.loads(sent(upstream, marker)[-1]["body"])
    roles = [m["role"] for m in body["messages"]]
    assert roles == ["user", "assistant", *(["tool"] * len(calls)), "user"]
    if calls:
        assert [c["id"] for c in body["messages"][1]["tool_calls"]] == [c.id for c in calls]
        assert body["messages"][3]["content"] == "Error: done"


async def test_an_image_reaches_the_chat_provider_as_a_data_url(
    translating: Gateway, upstream: FakeUpstream
) -> None:
    marker = uuid.uuid4().hex
    image = {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}
    content: Any = [
        {"type": "image", "source": image},
        {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}},
        {"type": "text", "text": "What is in these?"},
    ]
    async with anthropic_client(translating.url) as client:
        message = await client.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=64,
            system="Be brief.",
            messages=[{"role": "user", "content": content}],
            extra_headers={"x-test-id": marker},
        )
    assert message.content
    body = json.loads(sent(upstream, marker)[0]["body"])
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {
            "role": "user",
            "content": [
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
                {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
                {"type": "text", "text": "What is in these?"},
            ],
        },
    ]


def test_claude_code_completes_a_tool_round_trip_on_a_chat_provider(
    translating: Gateway, upstream: FakeUpstream, tmp_path: Path
) -> None:
    # Claude Code unchanged, its Claude model sent to an OpenAI-compatible server as qwen3-coder.
    home = tmp_path / "home"
    home.mkdir()
    upstream.clear()
    run = tool_round_trip(
        translating.url,
        home,
        mode="anthropic",
        model="claude-sonnet-4-5",
        env={"ANTHROPIC_API_KEY": "sk-ant-test"},
        headers=COMPATIBLE,
    )
    calls = [r for r in upstream.requests() if r["method"] == "POST"]
    # (Claude Code's ?beta=true is passed on as it came.)
    assert [c["path"].partition("?")[0] for c in calls] == ["/v1/chat/completions"] * 2
    first, second = (json.loads(call["body"]) for call in calls)
    assert first["model"] == second["model"] == "qwen3-coder"
    assert first["stream"] is True
    assert_chat_tool_round_trip(run, home, second)


async def test_other_models_still_go_to_the_anthropic_provider_untranslated(
    translating: Gateway, upstream: FakeUpstream
) -> None:
    marker = uuid.uuid4().hex
    async with anthropic_client(translating.url) as client:
        await client.messages.create(
            model="opus-elsewhere",
            max_tokens=64,
            messages=[{"role": "user", "content": "hi"}],
            extra_headers={"x-test-id": marker},
        )
    [request] = sent(upstream, marker)
    assert request["path"].partition("?")[0] == "/v1/messages"


# An OpenAI Chat client on an Anthropic provider.


@pytest.mark.parametrize("stream", [True, False])
@pytest.mark.parametrize("script", ["text", "tools", "thinking_tools"])
async def test_a_chat_client_reads_an_anthropic_provider_answer(
    translating: Gateway, upstream: FakeUpstream, stream: bool, script: str
) -> None:
    marker = uuid.uuid4().hex
    headers = {"x-test-id": marker}
    reply = await ask(
        translating.url, Format.OPENAI_CHAT, stream=stream, script=script, headers=headers
    )
    direct = await ask(upstream.url, Format.ANTHROPIC, stream=stream, script=script)
    assert reply.text == direct.text
    assert reply.tool_calls == direct.tool_calls
    assert reply.stop == {"end_turn": "stop", "tool_use": "tool_calls"}[direct.stop or ""]
    assert reply.output_tokens == direct.output_tokens
    [request] = sent(upstream, marker)
    assert request["path"] == "/v1/messages"
    body = json.loads(request["body"])
    assert body["model"] == "claude-sonnet-4-6"
    assert body["messages"] == [{"role": "user", "content": [{"type": "text", "text": PROMPT}]}]
    assert request["headers"]["x-api-key"] == "sk-test-key"
    assert request["headers"]["anthropic-version"] == "2023-06-01"
    assert "authorization" not in request["headers"]


@pytest.mark.parametrize("stream", [True, False])
async def test_a_blocked_tool_call_becomes_the_refusal_in_the_chat_answer(
    translating: Gateway, stream: bool
) -> None:
    headers = {"x-fake-tool": json.dumps([SUDO])}
    reply = await ask(
        translating.url, Format.OPENAI_CHAT, stream=stream, script="tools", headers=headers
    )
    assert reply.tool_calls == ()
    assert "Sluice blocked a tool call." in reply.text
    assert reply.stop == "stop"


@pytest.mark.parametrize(
    ("script", "error"),
    OPENAI_ERRORS,
)
@pytest.mark.parametrize("stream", [True, False])
async def test_a_provider_error_is_the_openai_sdk_exception(
    translating: Gateway, script: str, error: type[openai.APIStatusError], stream: bool
) -> None:
    with pytest.raises(error) as raised:
        await ask(translating.url, Format.OPENAI_CHAT, stream=stream, script=script)
    body = raised.value.body
    assert isinstance(body, dict)
    assert body["message"]
    if script == "error_429":
        assert raised.value.response.headers["retry-after"] == "1"


async def test_a_chat_stream_failing_midway_ends_in_the_openai_error_chunk(
    translating: Gateway,
) -> None:
    with pytest.raises(openai.APIError):
        await ask(translating.url, Format.OPENAI_CHAT, stream=True, script="midstream_error")


async def test_the_chat_client_s_next_turn_is_valid_for_the_anthropic_provider(
    translating: Gateway, upstream: FakeUpstream
) -> None:
    marker = uuid.uuid4().hex
    messages: list[Any] = [{"role": "user", "content": PROMPT}]
    async with openai_client(translating.url) as client:
        first = await client.chat.completions.create(
            model="gpt-5",
            messages=messages,
            extra_headers={"x-test-id": marker, "x-fake-script": "tools"},
        )
        message = first.choices[0].message
        calls = message.tool_calls or []
        messages.append(message.model_dump(exclude_none=True))
        messages += [{"role": "tool", "tool_call_id": c.id, "content": "done"} for c in calls]
        messages.append({"role": "user", "content": "go on"})
        second = await client.chat.completions.create(
            model="gpt-5", messages=messages, extra_headers={"x-test-id": marker}
        )
    assert len(calls) == 2
    assert second.choices[0].finish_reason == "stop"
    body = json.loads(sent(upstream, marker)[-1]["body"])
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
    results = body["messages"][2]["content"]
    assert [b.get("tool_use_id") for b in results] == [c.id for c in calls] + [None]


async def test_the_event_log_keeps_both_sides_of_the_translation(translating: Gateway) -> None:
    """The request as received and as sent (in Chat), the response as received (read as
    Chat) and as delivered (the refusal, in Anthropic), what was dropped, and the block."""
    session = uuid.uuid4().hex
    headers = COMPATIBLE | {
        "x-claude-code-session-id": session,
        "x-fake-script": "tools",
        "x-fake-tool": json.dumps([SUDO]),
    }
    async with (
        anthropic_client(translating.url) as client,
        client.messages.stream(
            model="claude-sonnet-4-6",
            max_tokens=2048,
            thinking={"type": "enabled", "budget_tokens": 1024},
            messages=[{"role": "user", "content": PROMPT}],
            extra_headers=headers,
        ) as events,
    ):
        await events.get_final_message()
    found = await transcript(store_url(translating), session)
    [exchange] = found.exchanges
    assert exchange.provider == "local"
    assert exchange.outcome is Outcome.BLOCKED
    assert found.request(exchange)["thinking"] == {"type": "enabled", "budget_tokens": 1024}
    sent_body = found.request_sent(exchange)
    assert sent_body is not None
    assert sent_body["model"] == "qwen3-coder"
    assert "thinking" not in sent_body
    actions = {(d.policy, d.action) for d in exchange.decisions}
    assert actions == {("sluice.translate", "drop"), ("no_sudo:NoSudo", "block")}
    assert exchange.response is not None
    assert [b.name for b in exchange.response.blocks if isinstance(b, ToolCall)] == ["Bash"]
    assert exchange.response_delivered is not None
    assert exchange.response_delivered.stop_reason == "end_turn"
    assert exchange.usage.output_tokens
