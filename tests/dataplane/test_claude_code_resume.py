"""A session carried to another machine: real Claude Code works on one (a tool round trip
through the gateway), ``sluice sessions export --claude-code`` writes it into another
machine's Claude Code folder, and ``claude --resume`` there answers a follow-up through the
gateway with the whole earlier conversation."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sluice.schema import async_url
from sluice.store import SessionFilter, SessionSummary, Store
from tests.dataplane.claude_code import run_claude
from tests.dataplane.test_event_log import scoped, store_url
from tests.harness import ROOT, FakeUpstream, Gateway

KEY = "sk-ant-test"


def export(gateway: Gateway, session: str, claude_dir: Path, cwd: Path) -> str:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sluice",
            "sessions",
            "export",
            session,
            "--config",
            str(gateway.config_path),
            "--claude-code",
            str(claude_dir),
            "--cwd",
            str(cwd),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


async def latest_branch(gateway: Gateway, root_id: str, exchanges: int) -> SessionSummary:
    """The most recent session of the client's session ``root_id`` once the family holds
    ``exchanges`` (Claude Code's second request restates its environment message as a
    string where the first sent text blocks: the store keeps that as a branch)."""
    async with Store(async_url(store_url(gateway))) as store:
        for _ in range(200):
            family = [
                s
                for s in (await store.list_sessions(SessionFilter())).sessions
                if s.root_id == root_id
            ]
            if sum(s.exchanges for s in family) >= exchanges:
                return family[0]
            await asyncio.sleep(0.05)
    raise AssertionError(f"session {root_id} not recorded")


def posted(upstream: FakeUpstream) -> list[dict[str, Any]]:
    return [json.loads(r["body"]) for r in upstream.requests() if r["method"] == "POST"]


async def test_a_session_exported_for_claude_code_resumes_elsewhere_through_the_gateway(
    make_gateway: Callable[..., Gateway], upstream: FakeUpstream, tmp_path: Path
) -> None:
    gateway = make_gateway()
    first_home, other_home = tmp_path / "laptop", tmp_path / "desktop"
    note = {"file_path": str(first_home / "project" / "plan.txt"), "content": "step one\n"}
    upstream.clear()
    first = run_claude(
        gateway.url,
        "write the plan down",
        first_home,
        env={"ANTHROPIC_API_KEY": KEY},
        headers={
            "x-fake-tool": json.dumps([{"name": "Write", "arguments": note}]),
            "x-fake-after-tools": "text",
        },
        allowed_tools=["Write"],
        max_turns=3,
    )
    assert not first.is_error, first.output
    assert (first_home / "project" / "plan.txt").read_text() == "step one\n"
    before = posted(upstream)[-1]  # the tool result's turn: the whole conversation so far
    session_id = first.output["session_id"]
    stored = await latest_branch(gateway, scoped(session_id, KEY), exchanges=2)

    project = other_home / "work" / "project"  # another machine, another folder
    project.mkdir(parents=True)
    printed = export(gateway, stored.id, other_home / ".claude", project)
    assert f"claude --resume {session_id}" in printed
    upstream.clear()
    resumed = run_claude(
        gateway.url,
        "what did you write?",
        other_home,
        env={"ANTHROPIC_API_KEY": KEY},
        resume=session_id,
        project=project,
    )
    assert not resumed.is_error, resumed.output
    assert "scripted" in resumed.result
    [after] = posted(upstream)
    # The earlier conversation rode along: every message of the last turn on the first
    # machine, the answer it got, then the follow-up.
    said = [m for m in after["messages"] if m["role"] != "system"]
    earlier = [m for m in before["messages"] if m["role"] != "system"]
    assert _words(said[: len(earlier)]) == _words(earlier)
    [write] = [b for b in said[1]["content"] if b["type"] == "tool_use"]
    assert write["input"] == note
    [result] = [b for b in said[2]["content"] if b["type"] == "tool_result"]
    assert result["tool_use_id"] == write["id"]
    assert "scripted" in json.dumps(said[len(earlier)]["content"])  # the last answer
    assert "what did you write?" in json.dumps(said[-1]["content"])
    # The environment the first machine sent is carried as it was stored.
    environments = [m for m in after["messages"] if m["role"] == "system"]
    assert str(first_home / "project") in json.dumps(environments[0]["content"])


def _words(messages: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Each message's role and content, prompt-cache markers aside."""
    out = []
    for message in messages:
        content = message["content"]
        if isinstance(content, list):
            content = [{k: v for k, v in b.items() if k != "cache_control"} for b in content]
        out.append((message["role"], json.dumps(content, sort_keys=True)))
    return out
