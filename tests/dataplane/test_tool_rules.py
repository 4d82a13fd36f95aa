"""tool_rules through real Envoy + sidecar + fake upstream, with the official SDKs: a
destructive command spelled a new way is blocked inside a stream in every wire format, and a
request naming a remote MCP server the config does not allow is refused in the client's
format."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import anthropic
import openai
import pytest

from sluice.model import Format
from tests.dataplane.clients import ask
from tests.dataplane.conftest import track
from tests.harness import FakeUpstream, Gateway, gateway_config, short_tempdir, start_gateway

RULES = [{"name": "tool_rules", "config": {"mcp": {"allow_servers": ["github"]}}}]
LS = {"name": "Bash", "arguments": {"command": "ls -la"}}
# The home folder deleted without `rm -rf ~`: each a spelling the old rules let through.
NEW_SPELLINGS = [
    {"name": "Bash", "arguments": {"command": "find ~ -mindepth 1 -delete"}},
    {
        "name": "Bash",
        "arguments": {
            "command": "python3 -c \"import shutil, os; shutil.rmtree(os.path.expanduser('~'))\""
        },
    },
    {"name": "Bash", "arguments": {"command": "rsync -a --delete $(mktemp -d)/ /home/dev/"}},
]


@pytest.fixture(scope="module")
def policed(upstream: FakeUpstream) -> Iterator[Gateway]:
    with short_tempdir() as base:
        config = gateway_config(upstream.url, base / "run", policies=RULES)
        with track(start_gateway(base, config)) as gateway:
            yield gateway


@pytest.mark.parametrize("fmt", list(Format))
@pytest.mark.parametrize("danger", NEW_SPELLINGS, ids=["find", "python", "rsync"])
async def test_a_destructive_command_spelled_a_new_way_is_blocked_in_a_stream(
    policed: Gateway, fmt: Format, danger: dict[str, Any]
) -> None:
    headers = {"x-fake-tool": json.dumps([danger, LS])}
    reply = await ask(policed.url, fmt, stream=True, script="tools", headers=headers)
    assert "Sluice blocked a tool call." in reply.text
    assert "(rule wipe_root_or_home)" in reply.text
    assert reply.tool_calls == (("Bash", {"command": "ls -la"}),)


@pytest.mark.parametrize("fmt", list(Format))
async def test_a_long_answer_reaches_the_client_whole_with_its_calls_judged(
    policed: Gateway, upstream: FakeUpstream, fmt: Format
) -> None:
    """The text no policy reads passes as the provider wrote it, unparsed, in every wire
    format: the SDK reads all of it, then the refusal, and only the call allowed."""
    headers = {"x-fake-tool": json.dumps([NEW_SPELLINGS[0], LS]), "x-fake-events": "80"}
    direct = await ask(upstream.url, fmt, stream=True, script="long", headers=headers)
    reply = await ask(policed.url, fmt, stream=True, script="long", headers=headers)
    assert len(direct.text) > 500
    assert reply.text.startswith(direct.text)
    assert "(rule wipe_root_or_home)" in reply.text[len(direct.text) :]
    assert reply.tool_calls == (("Bash", {"command": "ls -la"}),)


EVIL = {"type": "url", "url": "https://mcp.evil.example/sse", "name": "evil"}
GITHUB = {"type": "url", "url": "https://mcp.github.example/sse", "name": "github"}


async def test_a_remote_mcp_server_not_allowed_is_refused_in_the_clients_format(
    policed: Gateway,
) -> None:
    async with anthropic.AsyncAnthropic(base_url=policed.url, api_key="k", max_retries=0) as c:
        with pytest.raises(anthropic.BadRequestError) as refused:
            await c.messages.create(
                model="claude-sonnet-4-6",
                max_tokens=50,
                messages=[{"role": "user", "content": "hi"}],
                extra_body={"mcp_servers": [GITHUB, EVIL]},
            )
        assert "The MCP server evil is not allowed here" in str(refused.value)
        allowed = await c.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=50,
            messages=[{"role": "user", "content": "hi"}],
            extra_body={"mcp_servers": [GITHUB]},
            extra_headers={"x-fake-script": "text"},
        )
        assert allowed.content
    async with openai.AsyncOpenAI(base_url=f"{policed.url}/v1", api_key="k", max_retries=0) as o:
        with pytest.raises(openai.BadRequestError) as rejected:
            await o.responses.create(
                model="gpt-5",
                input="hi",
                tools=[
                    {
                        "type": "mcp",
                        "server_label": "evil",
                        "server_url": "https://mcp.evil.example/sse",
                        "require_approval": "never",
                    }
                ],
            )
        assert "The MCP server evil is not allowed here" in str(rejected.value)
