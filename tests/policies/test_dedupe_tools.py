from __future__ import annotations

import textwrap
from itertools import takewhile
from typing import Any

import pytest
import yaml

from sluice.model import Format
from sluice.policies import dedupe_tools
from sluice.policies.dedupe_tools import DedupeTools
from sluice.policy import PolicyError
from sluice.sidecar.formats.edits import RequestEditor
from tests.policies.factories import anthropic_body, request_hook


def anthropic_tool(name: str, version: int = 1) -> dict[str, Any]:
    return {"name": name, "description": f"v{version}", "input_schema": {"type": "object"}}


def chat_tool(name: str, version: int = 1) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name, "description": f"v{version}"}}


def responses_tool(name: str, version: int = 1) -> dict[str, Any]:
    return {"type": "function", "name": name, "description": f"v{version}"}


CHAT = {"model": "gpt-5", "messages": [{"role": "user", "content": "hi"}]}
RESPONSES = {"model": "gpt-5", "input": "hi"}


async def dedupe(body: dict[str, Any], fmt: Format = Format.ANTHROPIC) -> tuple[Any, bool]:
    """The tools of ``body`` after the policy, and whether it changed the request."""
    policy = DedupeTools.configure({})
    assert isinstance(policy, DedupeTools)
    hook = request_hook(body, fmt)
    await policy.request(hook)
    assert isinstance(hook.edits, RequestEditor)
    return hook.exchange.request.body.get("tools"), hook.edits.changed


def test_handles_requests_only() -> None:
    assert DedupeTools.configure({}).hooks() == {"request"}


@pytest.mark.parametrize(
    ("fmt", "base", "tool"),
    [
        (Format.ANTHROPIC, anthropic_body(), anthropic_tool),
        (Format.OPENAI_CHAT, CHAT, chat_tool),
        (Format.OPENAI_RESPONSES, RESPONSES, responses_tool),
    ],
)
async def test_keeps_the_first_of_each_name(fmt: Format, base: dict[str, Any], tool: Any) -> None:
    tools = [tool("Read"), tool("Bash"), tool("Read", 2), tool("Edit"), tool("Bash", 2)]
    kept, changed = await dedupe(base | {"tools": tools}, fmt)
    assert kept == [tool("Read"), tool("Bash"), tool("Edit")]
    assert changed


async def test_unique_tools_leave_the_request_untouched() -> None:
    tools = [anthropic_tool("Read"), anthropic_tool("Bash")]
    assert await dedupe(anthropic_body(tools=tools)) == (tools, False)


async def test_no_tools() -> None:
    assert await dedupe(anthropic_body()) == (None, False)


async def test_nameless_builtin_tools_are_kept() -> None:
    tools = [{"type": "web_search"}, {"type": "file_search"}, responses_tool("f")]
    body = RESPONSES | {"tools": [*tools, responses_tool("f", 2)]}
    assert await dedupe(body, Format.OPENAI_RESPONSES) == (tools, True)


def test_has_no_settings_of_its_own() -> None:
    with pytest.raises(PolicyError, match="dedupe_tools: keep: Extra inputs are not permitted"):
        DedupeTools.configure({"keep": "last"}, name="dedupe_tools")


def test_documented_config_loads() -> None:
    block = (dedupe_tools.__doc__ or "").split("In the gateway config::\n\n", 1)[1]
    lines = takewhile(lambda line: not line or line.startswith("    "), block.splitlines())
    (entry,) = yaml.safe_load(textwrap.dedent("\n".join(lines)))["policies"]
    assert entry == {"name": "dedupe_tools"}
