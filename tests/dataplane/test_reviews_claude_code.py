"""Real Claude Code (headless, pinned) waits through a person's 30-second review: its stream stays
open while the Write it asked for waits in the queue; approved, the file is written; denied,
Claude Code reads the reviewer's note instead, and nothing is written."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.dataplane.claude_code import run_claude
from tests.dataplane.conftest import track
from tests.harness import FakeUpstream, Gateway, gateway_config, short_tempdir, start_gateway

RULE = {
    "tool": "Write",
    "argument": "file_path",
    "pattern": r"notes\.txt$",
    "action": "review",
    "reason": "Notes need a second look",
}
NOTE = "written after a review\n"
WAIT_S = 30  # the reviewer takes half a minute: Claude Code waits on the kept-alive stream


@pytest.fixture(scope="module")
def reviewing(upstream: FakeUpstream) -> Iterator[Gateway]:
    with short_tempdir() as base:
        config = gateway_config(
            upstream.url,
            base / "run",
            store_url=f"sqlite:///{base / 'sluice.db'}",
            sidecar={"keepalive_s": 0.5},
            reviews={"enabled": True, "deadline_s": 90, "poll_ms": 100},
            policies=[{"name": "tool_rules", "config": {"rules": [RULE]}}],
        )
        with track(start_gateway(base, config)) as gateway:
            yield gateway


async def decide_when_listed(
    gateway: Gateway, path: Path, decision: str, note: str
) -> dict[str, Any]:
    """Wait for the review of the Write of ``path``, take ``WAIT_S`` over it, then decide."""
    api = f"http://127.0.0.1:{gateway.config['admin']['port']}/api/reviews"
    deadline = time.monotonic() + 90
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            async with session.get(api) as response:
                listed = (await response.json())["reviews"]
            found = [r for r in listed if json.loads(r["arguments"])["file_path"] == str(path)]
            if found:
                await asyncio.sleep(WAIT_S)
                body = {"decision": decision, "note": note}
                async with session.post(f"{api}/{found[0]['id']}/decision", json=body) as answer:
                    assert answer.status == 200
                return dict(found[0])
            await asyncio.sleep(0.1)
    raise AssertionError("Claude Code's call never reached the review queue")


async def review_claude_code(reviewing: Gateway, base: Path, decision: str) -> None:
    """Claude Code, in a home of its own under ``base``, asks to write notes.txt; the
    reviewer decides ``decision``."""
    home = base / decision
    home.mkdir()
    notes = home / "project" / "notes.txt"
    write = {"name": "Write", "arguments": {"file_path": str(notes), "content": NOTE}}
    running = asyncio.create_task(
        asyncio.to_thread(
            run_claude,
            reviewing.url,
            "write down what you did",
            home,
            env={"ANTHROPIC_API_KEY": "sk-ant-test"},
            headers={"x-fake-tool": json.dumps([write]), "x-fake-after-tools": "text"},
            allowed_tools=["Write"],
            max_turns=3,
            timeout=150,
        )
    )
    review = await decide_when_listed(reviewing, notes, decision, "not in this repository")
    run = await running
    assert review["tool"] == "Write"
    assert review["context"] == "write down what you did"
    assert not run.is_error, run.output
    assert run.output["permission_denials"] == []
    if decision == "approve":
        assert notes.read_text() == NOTE
        assert run.turns == 2
        assert "scripted" in run.result
    else:
        assert not notes.exists()
        assert "a reviewer denied this call: not in this repository" in run.result


async def test_claude_code_waits_for_the_reviewer_who_approves_one_call_and_denies_another(
    reviewing: Gateway, tmp_path: Path
) -> None:
    """Two sessions at once, each waiting half a minute for its reviewer's decision."""
    await asyncio.gather(
        review_claude_code(reviewing, tmp_path, "approve"),
        review_claude_code(reviewing, tmp_path, "deny"),
    )
