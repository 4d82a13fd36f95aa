"""OpenAI Responses, driven by the official ``openai`` SDK."""

from __future__ import annotations

import openai
import pytest

from sluice.fake_upstream import thinking_signature


async def test_text_reply(gpt: openai.AsyncOpenAI) -> None:
    response = await gpt.responses.create(model="gpt-5.5", input="Hello there")

    assert response.status == "completed"
    assert "fake upstream" in response.output_text
    assert response.usage is not None
    assert response.usage.input_tokens > 0
    assert response.usage.total_tokens == response.usage.input_tokens + response.usage.output_tokens


async def test_stream_events_are_numbered_in_order(gpt: openai.AsyncOpenAI) -> None:
    async with gpt.responses.stream(model="tools", input="Hello there") as stream:
        events = [event async for event in stream]
        response = await stream.get_final_response()

    assert [event.sequence_number for event in events] == list(range(len(events)))
    kinds = [event.type for event in events]
    assert kinds[:4] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ]
    assert kinds[-1] == "response.completed"
    assert kinds.count("response.function_call_arguments.delta") >= 6
    assert kinds.count("response.function_call_arguments.done") == 2
    calls = [
        (item.name, item.arguments) for item in response.output if item.type == "function_call"
    ]
    assert calls == [("Bash", '{"command": "ls -la"}'), ("Read", '{"file_path": "/etc/hosts"}')]
    assert response.output_text == "I'll look at the directory and the hosts file first."


async def test_reasoning_summary_and_encrypted_content(gpt: openai.AsyncOpenAI) -> None:
    async with gpt.responses.stream(
        model="thinking", input="Hello there", include=["reasoning.encrypted_content"]
    ) as stream:
        kinds = [event.type async for event in stream]
        response = await stream.get_final_response()

    assert "response.reasoning_summary_text.delta" in kinds
    reasoning = response.output[0]
    assert reasoning.type == "reasoning"
    summary = reasoning.summary[0].text
    assert reasoning.encrypted_content == thinking_signature(summary)
    assert response.usage is not None
    assert response.usage.output_tokens_details.reasoning_tokens > 0


async def test_requested_tool_call(gpt: openai.AsyncOpenAI) -> None:
    response = await gpt.responses.create(
        model="gpt-5.5",
        input="Hello there",
        extra_headers={"x-fake-tool": '{"name": "Bash", "arguments": {"command": "rm -rf /"}}'},
    )

    calls = [
        (item.name, item.arguments) for item in response.output if item.type == "function_call"
    ]
    assert calls == [("Bash", '{"command": "rm -rf /"}')]


@pytest.mark.parametrize(
    ("script", "error", "status"),
    [
        ("error_400", openai.BadRequestError, 400),
        ("error_429", openai.RateLimitError, 429),
        ("error_500", openai.InternalServerError, 500),
        ("error_529", openai.InternalServerError, 503),
    ],
)
async def test_errors(
    gpt: openai.AsyncOpenAI, script: str, error: type[openai.APIStatusError], status: int
) -> None:
    with pytest.raises(error) as caught:
        await gpt.responses.create(model=script, input="Hello there")

    assert caught.value.status_code == status


async def test_midstream_error_then_failed(gpt: openai.AsyncOpenAI) -> None:
    async with gpt.responses.stream(model="midstream_error", input="Hello there") as stream:
        events = [event async for event in stream]
        with pytest.raises(RuntimeError, match=r"response\.completed"):
            await stream.get_final_response()

    assert [event.type for event in events[-2:]] == ["error", "response.failed"]
    failed = events[-1]
    assert failed.type == "response.failed"
    assert failed.response.error is not None
    assert failed.response.error.code == "server_error"
    assert [event.sequence_number for event in events] == list(range(len(events)))


async def test_early_close(gpt: openai.AsyncOpenAI) -> None:
    with pytest.raises(openai.APIConnectionError):
        async with gpt.responses.stream(model="early_close", input="Hello there") as stream:
            await stream.get_final_response()
