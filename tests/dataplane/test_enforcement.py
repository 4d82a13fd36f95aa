"""A tool call blocked inside the response, in every wire format, streamed or whole.

The enforcing gateway's chain is the guide's example policy (no sudo in Bash). The fake
upstream answers with the tool calls the test asks for (``x-fake-tool``).
"""

from __future__ import annotations

import json
from typing import Any

import anthropic
import pytest

from sluice.model import Format
from tests.dataplane.clients import Reply, anthropic_client, ask
from tests.harness import Gateway

SUDO = {"name": "Bash", "arguments": {"command": "sudo rm -rf /var/lib/app"}}
READ = {"name": "Read", "arguments": {"file_path": "/etc/hosts"}}
LS = {"name": "Bash", "arguments": {"command": "ls -la"}}


def tools(*calls: dict[str, Any]) -> dict[str, str]:
    return {"x-fake-tool": json.dumps(list(calls))}


STOPS_WITH_TOOLS = {
    Format.ANTHROPIC: "tool_use",
    Format.OPENAI_CHAT: "tool_calls",
    Format.OPENAI_RESPONSES: "completed",
}
STOPS_WITHOUT = {
    Format.ANTHROPIC: "end_turn",
    Format.OPENAI_CHAT: "stop",
    Format.OPENAI_RESPONSES: "completed",
}


def assert_refusal(reply: Reply) -> None:
    assert "Sluice blocked a tool call." in reply.text
    assert "Tool: Bash" in reply.text
    assert '"command": "sudo rm -rf /var/lib/app"' in reply.text  # pretty-printed arguments
    assert "Reason: commands run as root need a human at the keyboard" in reply.text


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
@pytest.mark.parametrize("fmt", list(Format))
async def test_one_blocked_one_allowed(
    enforcing_gateway: Gateway, fmt: Format, stream: bool
) -> None:
    reply = await ask(
        enforcing_gateway.url, fmt, stream=stream, script="tools", headers=tools(SUDO, READ)
    )
    assert_refusal(reply)
    assert reply.tool_calls == (("Read", {"file_path": "/etc/hosts"}),)
    assert reply.stop == STOPS_WITH_TOOLS[fmt]


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
@pytest.mark.parametrize("fmt", list(Format))
async def test_every_call_blocked_ends_the_turn(
    enforcing_gateway: Gateway, fmt: Format, stream: bool
) -> None:
    reply = await ask(
        enforcing_gateway.url, fmt, stream=stream, script="tools", headers=tools(SUDO)
    )
    assert_refusal(reply)
    assert reply.tool_calls == ()
    assert reply.stop == STOPS_WITHOUT[fmt]


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
@pytest.mark.parametrize("fmt", list(Format))
async def test_allowed_calls_pass_unchanged(
    enforcing_gateway: Gateway, fmt: Format, stream: bool
) -> None:
    reply = await ask(
        enforcing_gateway.url, fmt, stream=stream, script="tools", headers=tools(LS, READ)
    )
    assert "Sluice" not in reply.text
    assert reply.tool_calls == (
        ("Bash", {"command": "ls -la"}),
        ("Read", {"file_path": "/etc/hosts"}),
    )


async def test_the_next_turn_after_a_block_is_accepted(enforcing_gateway: Gateway) -> None:
    """The delivered assistant turn (refusal text, then the allowed tool_use) is a valid
    history: the fake upstream validates it as Anthropic's API does."""
    async with anthropic_client(enforcing_gateway.url) as client:
        first: list[Any] = [{"role": "user", "content": "clean up and show hosts"}]
        async with client.messages.stream(
            model="claude-sonnet-4-6",
            max_tokens=1024,
            messages=first,
            extra_headers=tools(SUDO, READ),
        ) as events:
            message = await events.get_final_message()
        assert [b.type for b in message.content][-1] == "tool_use"
        indexes = [b.type for b in message.content]
        assert indexes.count("tool_use") == 1
        results = [
            {"type": "tool_result", "tool_use_id": b.id, "content": "127.0.0.1 localhost"}
            for b in message.content
            if b.type == "tool_use"
        ]
        history = [
            *first,
            {
                "role": "assistant",
                "content": [b.model_dump(exclude_none=True) for b in message.content],
            },
            {"role": "user", "content": results},
        ]
        follow_up = await client.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=1024,
            messages=history,
            extra_headers={"x-fake-script": "text"},
        )
    assert follow_up.content[0].type == "text"


async def test_claude_codes_non_streaming_retry_meets_the_same_decision(
    enforcing_gateway: Gateway,
) -> None:
    """Claude Code retries a failed stream without `stream`: the block must hold there too."""
    with pytest.raises(anthropic.APIError):
        await ask(
            enforcing_gateway.url,
            Format.ANTHROPIC,
            stream=True,
            script="midstream_error",
            headers=tools(SUDO, READ),
        )
    retry = await ask(
        enforcing_gateway.url,
        Format.ANTHROPIC,
        stream=False,
        script="midstream_error",
        headers=tools(SUDO, READ),
    )
    assert_refusal(retry)
    assert retry.tool_calls == (("Read", {"file_path": "/etc/hosts"}),)
