"""Hook dispatch: order, stopping, composition, and the one place failures are decided."""

from __future__ import annotations

import asyncio

import pytest

from sluice.hooks import ToolCallHook
from sluice.policy import Policy, PolicyConfig
from sluice.sidecar.chain import Decision
from tests.policies.factories import request_hook, text_hook, tool_call_hook
from tests.sidecar.policies_for_tests import BlockTools, CapTokens, Explode, Shout, Sign, chain


class Rewrite(Policy[PolicyConfig]):
    """Rewrites the call's arguments."""

    async def tool_call(self, hook: ToolCallHook) -> None:
        hook.rewrite({"command": "ls"})


class Sleep(Policy[PolicyConfig]):
    """Never answers in time."""

    async def tool_call(self, hook: ToolCallHook) -> None:
        await asyncio.sleep(10)


def test_a_chain_knows_what_it_needs() -> None:
    assert not chain().reads_response
    tools = chain((BlockTools, {}))
    assert (tools.reads_tool_calls, tools.reads_text, tools.reads_request) == (True, False, False)
    signed = chain((Sign, {}))
    assert signed.holds_tool_calls
    assert not signed.reads_tool_calls
    assert chain((Shout, {})).reads_text


async def test_a_block_stops_the_chain() -> None:
    decisions: list[Decision] = []
    hook = tool_call_hook("Bash", {"command": "x"})
    await chain((BlockTools, {"tools": ["Bash"]}), (Rewrite, {})).run(hook, decisions)
    assert hook.blocked == "Bash is not allowed"
    assert hook.call.arguments == '{"command": "x"}'
    assert [d.action for d in decisions] == ["block"]


async def test_rewrites_compose_in_order() -> None:
    decisions: list[Decision] = []
    hook = tool_call_hook("Bash", {"command": "x"})
    await chain((Rewrite, {}), (BlockTools, {"tools": ["Other"]})).run(hook, decisions)
    assert hook.blocked is None
    assert hook.call.arguments == '{"command": "ls"}'
    assert [(d.policy, d.action) for d in decisions] == [("Rewrite", "rewrite")]


async def test_text_rewrite_is_recorded() -> None:
    decisions: list[Decision] = []
    hook = text_hook("hi")
    await chain((Shout, {}), (Shout, {})).run(hook, decisions)
    assert hook.text == "HI"
    assert [d.action for d in decisions] == ["rewrite"]  # the second found nothing to change


async def test_request_edit_is_recorded() -> None:
    decisions: list[Decision] = []
    hook = request_hook()
    await chain((CapTokens, {})).run(hook, decisions)
    assert hook.edits.max_tokens() == 100
    assert [d.action for d in decisions] == ["rewrite"]


@pytest.mark.parametrize(
    ("on_error", "refused"), [("block", True), ("allow", False)], ids=["closed", "open"]
)
async def test_exception_in_a_request_hook(on_error: str, refused: bool) -> None:
    decisions: list[Decision] = []
    hook = request_hook()
    await chain((Explode, {"on_error": on_error})).run(hook, decisions)
    assert (hook.refused is not None) == refused
    assert decisions[0].action == "error"
    assert decisions[0].reason.endswith("failed closed" if refused else "failed open")


async def test_timeout_fails_closed_by_default() -> None:
    decisions: list[Decision] = []
    hook = tool_call_hook("Bash", {"command": "x"})
    await chain((Sleep, {"timeout_s": 0.05})).run(hook, decisions)
    assert hook.blocked == "policy Sleep could not check this tool call (timed out)"
    assert decisions[0].reason == "timed out; failed closed"
    assert decisions[0].seconds < 1


async def test_a_failure_tells_the_client_what_happened_without_internals() -> None:
    """The client reads that the policy failed; the exception stays in the event log."""
    decisions: list[Decision] = []
    hook = request_hook()
    await chain((Explode, {})).run(hook, decisions)
    assert hook.refused == "policy Explode could not check this request (failed)"
    assert decisions[0].reason is not None
    assert decisions[0].reason.startswith("failed: RuntimeError")
