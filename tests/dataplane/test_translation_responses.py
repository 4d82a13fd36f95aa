"""An OpenAI Responses client (the official SDK) on an Anthropic Messages provider and on
an OpenAI Chat Completions provider: the gateway translates the request, the stream and
whole answers, errors, and still blocks a tool call inside the translated stream.

The gateway's /v1/responses route sends ``gpt-5`` to a provider declared with
``format: anthropic`` (renamed ``claude-sonnet-4-6``) and ``gpt-5-mini`` to one declared
with ``format: openai_chat`` (the fake's Chat endpoint answering as an OpenAI-compatible
server, renamed ``qwen3-coder``). Answers are compared with what the same script gives
when asked directly in the provider's format.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from sluice.model import Format
from tests.dataplane.clients import PROMPT, ask, openai_client
from tests.dataplane.translating import (
    COMPATIBLE,
    OPENAI_ERRORS,
    SUDO,
    sent,
    translating_gateway,
)
from tests.harness import FakeUpstream, Gateway

READ = {"name": "Read", "arguments": {"file_path": "/etc/hosts"}}
# The model the client asks for -> the provider's format, the model it receives, headers.
BACKENDS = {
    "anthropic": ("gpt-5", Format.ANTHROPIC, "claude-sonnet-4-6", {}),
    "chat": ("gpt-5-mini", Format.OPENAI_CHAT, "qwen3-coder", COMPATIBLE),
}


@pytest.fixture(scope="module")
def translating(workdir: Path, upstream: FakeUpstream) -> Iterator[Gateway]:
    route = {
        "path": "/v1/responses",
        "format": "openai_responses",
        "provider": "openai",
        "models": [
            {"model": "gpt-5", "provider": "claude", "upstream_model": "claude-sonnet-4-6"},
            {"model": "gpt-5-mini", "provider": "local", "upstream_model": "qwen3-coder"},
        ],
    }
    policies = [{"name": "no_sudo:NoSudo"}, {"name": "tool_rules"}]
    with translating_gateway(workdir / "translating_responses", upstream, [route], policies) as gw:
        yield gw


@pytest.mark.parametrize("backend", list(BACKENDS))
@pytest.mark.parametrize("stream", [True, False])
@pytest.mark.parametrize("script", ["text", "tools", "thinking_tools"])
async def test_a_responses_client_reads_the_provider_answer(
    translating: Gateway, upstream: FakeUpstream, backend: str, stream: bool, script: str
) -> None:
    model, fmt, upstream_model, headers = BACKENDS[backend]
    marker = uuid.uuid4().hex
    reply = await ask(
        translating.url,
        Format.OPENAI_RESPONSES,
        stream=stream,
        script=script,
        headers=headers | {"x-test-id": marker},
        model=model,
    )
    direct = await ask(upstream.url, fmt, stream=stream, script=script, headers=headers)
    assert reply.text == direct.text
    assert reply.tool_calls == direct.tool_calls  # parallel calls, arguments parsed
    assert reply.stop == "completed"
    assert reply.output_tokens == direct.output_tokens
    if script == "thinking_tools":  # thinking became a reasoning summary, unsigned
        anthropic_direct = await ask(upstream.url, Format.ANTHROPIC, stream=stream, script=script)
        assert reply.thinking == anthropic_direct.thinking
        assert reply.signatures == ("",)
    [request] = sent(upstream, marker)
    assert (
        request["path"].partition("?")[0]
        == {
            Format.ANTHROPIC: "/v1/messages",
            Format.OPENAI_CHAT: "/v1/chat/completions",
        }[fmt]
    )
    body = json.loads(request["body"])
    assert body["model"] == upstream_model
    if fmt is Format.ANTHROPIC:
        assert body["messages"] == [{"role": "user", "content": [{"type": "text", "text": PROMPT}]}]
        assert body["max_tokens"] == 4096  # none given: the documented default
        assert request["headers"]["x-api-key"] == "sk-test-key"
        assert request["headers"]["anthropic-version"] == "2023-06-01"
        assert "authorization" not in request["headers"]
    else:
        assert body["messages"] == [{"role": "user", "content": PROMPT}]
        assert request["headers"]["authorization"] == "Bearer sk-test-key"


@pytest.mark.parametrize("backend", list(BACKENDS))
@pytest.mark.parametrize("stream", [True, False])
async def test_of_two_parallel_calls_the_blocked_one_becomes_the_refusal(
    translating: Gateway, backend: str, stream: bool
) -> None:
    model, _, _, headers = BACKENDS[backend]
    reply = await ask(
        translating.url,
        Format.OPENAI_RESPONSES,
        stream=stream,
        script="tools",
        headers=headers | {"x-fake-tool": json.dumps([SUDO, READ])},
        model=model,
    )
    assert reply.tool_calls == (("Read", READ["arguments"]),)
    assert "Sluice blocked a tool call." in reply.text
    assert '"command": "sudo rm -rf /var/lib/app"' in reply.text
    assert reply.stop == "completed"


@pytest.mark.parametrize("blocked", [False, True])
@pytest.mark.parametrize("stream", [True, False])
async def test_the_next_turn_is_valid_for_the_anthropic_provider(
    translating: Gateway, upstream: FakeUpstream, blocked: bool, stream: bool
) -> None:
    """The function outputs of the turn after an allowed or a blocked call, and the
    reasoning sent back with its signature, pass the provider's history checks."""
    marker = uuid.uuid4().hex
    headers = {"x-test-id": marker, "x-fake-script": "thinking_tools"}
    if blocked:
        headers["x-fake-tool"] = json.dumps([SUDO])
    items: list[Any] = [{"role": "user", "content": PROMPT}]
    request: dict[str, Any] = {"model": "gpt-5", "include": ["reasoning.encrypted_content"]}
    async with openai_client(translating.url) as client:
        if stream:
            async with client.responses.stream(
                input=items, extra_headers=headers, **request
            ) as events:
                first = await events.get_final_response()
        else:
            first = await client.responses.create(input=items, extra_headers=headers, **request)
        items += [item.model_dump(exclude_none=True) for item in first.output]
        calls = [item for item in first.output if item.type == "function_call"]
        items += [
            {"type": "function_call_output", "call_id": c.call_id, "output": "done"} for c in calls
        ]
        items.append({"role": "user", "content": "go on"})
        headers.pop("x-fake-tool", None)
        second = await client.responses.create(
            input=items, extra_headers=headers | {"x-fake-script": "text"}, **request
        )
    assert second.status == "completed"
    assert second.output_text
    assert len(calls) == (0 if blocked else 2)
    reasoning = [item for item in first.output if item.type == "reasoning"]
    assert [bool(item.encrypted_content) for item in reasoning] == [True]
    body = json.loads(sent(upstream, marker)[-1]["body"])
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
    assistant = body["messages"][1]["content"]
    assert assistant[0]["type"] == "thinking"  # carried with Anthropic's own signature
    if calls:
        assert [b["id"] for b in assistant if b["type"] == "tool_use"] == [c.call_id for c in calls]
        results = body["messages"][2]["content"]
        assert [b.get("tool_use_id") for b in results] == [c.call_id for c in calls] + [None]


async def test_the_next_turn_is_valid_for_the_chat_provider(
    translating: Gateway, upstream: FakeUpstream
) -> None:
    marker = uuid.uuid4().hex
    headers = COMPATIBLE | {"x-test-id": marker}
    items: list[Any] = [{"role": "user", "content": PROMPT}]
    async with openai_client(translating.url) as client:
        first = await client.responses.create(
            model="gpt-5-mini", input=items, extra_headers=headers | {"x-fake-script": "tools"}
        )
        items += [item.model_dump(exclude_none=True) for item in first.output]
        calls = [item for item in first.output if item.type == "function_call"]
        items += [
            {"type": "function_call_output", "call_id": c.call_id, "output": "ok"} for c in calls
        ]
        second = await client.responses.create(
            model="gpt-5-mini", input=items, extra_headers=headers
        )
    assert len(calls) == 2
    assert second.status == "completed"
    body = json.loads(sent(upstream, marker)[-1]["body"])
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "tool", "tool"]
    assert [c["id"] for c in body["messages"][1]["tool_calls"]] == [c.call_id for c in calls]


async def test_images_reach_the_anthropic_provider(
    translating: Gateway, upstream: FakeUpstream
) -> None:
    marker = uuid.uuid4().hex
    content: Any = [
        {
            "type": "input_image",
            "image_url": "data:image/png;base64,iVBORw0KGgo=",
            "detail": "auto",
        },
        {"type": "input_image", "image_url": "https://example.com/a.png", "detail": "auto"},
        {"type": "input_text", "text": "What is in these?"},
    ]
    async with openai_client(translating.url) as client:
        response = await client.responses.create(
            model="gpt-5",
            instructions="Be brief.",
            max_output_tokens=64,
            input=[{"role": "user", "content": content}],
            extra_headers={"x-test-id": marker},
        )
    assert response.output_text
    body = json.loads(sent(upstream, marker)[0]["body"])
    assert body["system"] == "Be brief."
    assert body["max_tokens"] == 64
    assert body["messages"] == [
        {
            "role": "user",
            "content": [
                {
                    "type": "image",
                    "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="},
                },
                {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}},
                {"type": "text", "text": "What is in these?"},
            ],
        }
    ]


@pytest.mark.parametrize(
    ("script", "error"),
    OPENAI_ERRORS,
)
@pytest.mark.parametrize("backend", list(BACKENDS))
@pytest.mark.parametrize("stream", [True, False])
async def test_a_provider_error_is_the_openai_sdk_exception(
    translating: Gateway,
    script: str,
    error: type[openai.APIStatusError],
    backend: str,
    stream: bool,
) -> None:
    model, _, _, headers = BACKENDS[backend]
    with pytest.raises(error) as raised:
        await ask(
            translating.url,
            Format.OPENAI_RESPONSES,
            stream=stream,
            script=script,
            headers=headers,
            model=model,
        )
    body = raised.value.body
    assert isinstance(body, dict)
    assert body["message"]
    if script == "error_429":
        assert raised.value.response.headers["retry-after"] == "1"


@pytest.mark.parametrize("backend", list(BACKENDS))
async def test_a_stream_failing_midway_fails_as_openai_s_own_would(
    translating: Gateway, upstream: FakeUpstream, backend: str
) -> None:
    """The stream ends in the error event and ``response.failed``, as the Responses API's
    own failed stream does, and the SDK's stream helper raises the same."""
    model, _, _, headers = BACKENDS[backend]
    headers = headers | {"x-fake-script": "midstream_error"}
    for base, asked in ((upstream.url, "gpt-5"), (translating.url, model)):
        async with openai_client(base) as client:
            events = await client.responses.create(
                model=asked, input=PROMPT, stream=True, extra_headers=headers
            )
            seen = [event async for event in events]
        assert [event.type for event in seen[-2:]] == ["error", "response.failed"]
        assert seen[-2].type == "error"
        assert seen[-2].message
        assert [event.type for event in seen[:2]] == ["response.created", "response.in_progress"]
    with pytest.raises(RuntimeError, match=r"response\.completed"):
        await ask(
            translating.url,
            Format.OPENAI_RESPONSES,
            stream=True,
            script="midstream_error",
            headers=headers,
            model=model,
        )


async def test_what_openai_refuses_is_refused_in_its_words(translating: Gateway) -> None:
    async with openai_client(translating.url) as client:
        with pytest.raises(openai.BadRequestError) as raised:
            await client.responses.create(model="gpt-5", input="hi", max_output_tokens=5)
    assert "Expected a value >= 16, but got 5 instead." in raised.value.message


# Codex's apply_patch: a custom (freeform) tool whose input is the patch itself.
GRAMMAR = 'start: begin_patch hunk+ end_patch\nbegin_patch: "*** Begin Patch" LF'
APPLY_PATCH: Any = {
    "type": "custom",
    "name": "apply_patch",
    "description": "Use the `apply_patch` tool to edit files.",
    "format": {"type": "grammar", "syntax": "lark", "definition": GRAMMAR},
}
PATCH = '*** Begin Patch\n*** Add File: notes.txt\n+say "hi" \\ é\n*** End Patch\n'
SECRET_PATCH = "*** Begin Patch\n*** Delete File: /home/dev/.ssh/id_ed25519\n*** End Patch\n"


def patch_call(patch: str) -> dict[str, str]:
    return {"x-fake-tool": json.dumps({"name": "apply_patch", "arguments": {"input": patch}})}


async def respond(
    client: openai.AsyncOpenAI, stream: bool, **request: Any
) -> tuple[Any, list[str]]:
    """The final response, and the types of the events streamed (none when not streamed)."""
    if not stream:
        return await client.responses.create(**request), []
    async with client.responses.stream(**request) as events:
        seen = [event async for event in events]
        final = await events.get_final_response()
    deltas = [e.delta for e in seen if e.type == "response.custom_tool_call_input.delta"]
    done = [e.input for e in seen if e.type == "response.custom_tool_call_input.done"]
    assert "".join(deltas) in ("", *done)  # the deltas spell the input
    return final, [e.type for e in seen]


@pytest.mark.parametrize("backend", list(BACKENDS))
@pytest.mark.parametrize("stream", [True, False])
async def test_a_custom_tool_call_reaches_the_client_as_one(
    translating: Gateway, upstream: FakeUpstream, backend: str, stream: bool
) -> None:
    model, fmt, _, headers = BACKENDS[backend]
    marker = uuid.uuid4().hex
    headers = headers | patch_call(PATCH) | {"x-test-id": marker}
    async with openai_client(translating.url) as client:
        response, events = await respond(
            client, stream, model=model, input=PROMPT, tools=[APPLY_PATCH], extra_headers=headers
        )
    [call] = [item for item in response.output if item.type == "custom_tool_call"]
    assert (call.name, call.input) == ("apply_patch", PATCH)
    if stream:
        assert "response.custom_tool_call_input.delta" in events
        assert "response.custom_tool_call_input.done" in events
        assert not any(e.startswith("response.function_call") for e in events)
    body = json.loads(sent(upstream, marker)[0]["body"])
    [tool] = body["tools"]
    if fmt is Format.ANTHROPIC:
        assert tool["input_schema"]["required"] == ["input"]
        assert GRAMMAR in tool["description"]
    else:
        assert tool["function"]["parameters"]["required"] == ["input"]


@pytest.mark.parametrize("backend", list(BACKENDS))
@pytest.mark.parametrize("stream", [True, False])
async def test_a_blocked_custom_call_becomes_the_refusal(
    translating: Gateway, backend: str, stream: bool
) -> None:
    """tool_rules reads the custom call's input as the patch it is."""
    model, _, _, headers = BACKENDS[backend]
    async with openai_client(translating.url) as client:
        response, _ = await respond(
            client,
            stream,
            model=model,
            input=PROMPT,
            tools=[APPLY_PATCH],
            extra_headers=headers | patch_call(SECRET_PATCH),
        )
    assert not [item for item in response.output if item.type == "custom_tool_call"]
    assert "Sluice blocked a tool call." in response.output_text
    assert "Tool: apply_patch" in response.output_text
    assert "rule credential_write" in response.output_text
    assert response.status == "completed"


@pytest.mark.parametrize("stream", [True, False])
async def test_the_turn_after_a_custom_call_is_valid_for_the_anthropic_provider(
    translating: Gateway, upstream: FakeUpstream, stream: bool
) -> None:
    marker = uuid.uuid4().hex
    headers = patch_call(PATCH) | {"x-test-id": marker}
    items: list[Any] = [{"role": "user", "content": PROMPT}]
    async with openai_client(translating.url) as client:
        first, _ = await respond(
            client, stream, model="gpt-5", input=items, tools=[APPLY_PATCH], extra_headers=headers
        )
        items += [item.model_dump(exclude_none=True) for item in first.output]
        [call] = [item for item in first.output if item.type == "custom_tool_call"]
        items.append(
            {"type": "custom_tool_call_output", "call_id": call.call_id, "output": "Done!"}
        )
        second = await client.responses.create(
            model="gpt-5", input=items, tools=[APPLY_PATCH], extra_headers={"x-test-id": marker}
        )
    assert second.status == "completed"
    assert second.output_text
    body = json.loads(sent(upstream, marker)[-1]["body"])
    assert body["messages"][1:] == [
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": first.output_text},
                {
                    "type": "tool_use",
                    "id": call.call_id,
                    "name": "apply_patch",
                    "input": {"input": PATCH},
                },
            ],
        },
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": call.call_id, "content": "Done!"}],
        },
    ]


@pytest.mark.parametrize("backend", list(BACKENDS))
async def test_reasoning_effort_reaches_the_provider(
    translating: Gateway, upstream: FakeUpstream, backend: str
) -> None:
    model, fmt, _, headers = BACKENDS[backend]
    marker = uuid.uuid4().hex
    async with openai_client(translating.url) as client:
        response = await client.responses.create(
            model=model,
            input=PROMPT,
            reasoning={"effort": "medium", "summary": "auto"},
            max_output_tokens=2000,
            extra_headers=headers | {"x-test-id": marker, "x-fake-script": "thinking"},
        )
    assert response.status == "completed"
    assert response.output_text
    body = json.loads(sent(upstream, marker)[0]["body"])
    if fmt is Format.ANTHROPIC:
        assert body["thinking"] == {"type": "enabled", "budget_tokens": 8192}
        assert body["max_tokens"] == 8192 + 2000  # raised above the budget
        assert [item.type for item in response.output] == ["reasoning", "message"]
    else:
        assert body["reasoning_effort"] == "medium"
        assert body["max_completion_tokens"] == 2000
