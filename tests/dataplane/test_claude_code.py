"""Real Claude Code (headless, pinned) through the real gateway and the fake upstream.

What a developer sees when the gateway stands between Claude Code and its provider: answers
arrive as usual, and a destructive tool call never reaches the tools, whichever way the
model spells it. See ``tests/dataplane/claude_code.py`` for how Claude Code is run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dataplane.claude_code import run_claude
from tests.dataplane.conftest import track
from tests.harness import FakeUpstream, Gateway, gateway_config, short_tempdir, start_gateway


@pytest.fixture(scope="module")
def guarded(upstream: FakeUpstream) -> Iterator[Gateway]:
    """A gateway whose default chain is the built-in tool rules."""
    with short_tempdir() as base:
        config = gateway_config(
            upstream.url, base / "run", store_url=None, policies=[{"name": "tool_rules"}]
        )
        with track(start_gateway(base, config)) as gateway:
            yield gateway


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "keep.txt").write_text("still here")
    return home


def test_claude_code_answers_through_the_gateway(
    guarded: Gateway, upstream: FakeUpstream, home: Path
) -> None:
    upstream.clear()
    run = run_claude(guarded.url, "say hi", home, env={"ANTHROPIC_API_KEY": "sk-ant-test"})
    assert not run.is_error, run.output
    assert "scripted" in run.result
    calls = [r for r in upstream.requests() if r["method"] == "POST"]
    assert [c["path"] for c in calls] == ["/v1/messages?beta=true"]
    assert json.loads(calls[0]["body"])["stream"] is True


# Spellings of "delete the home folder" that a model may emit; home is the throwaway HOME,
# so even a failure of the gateway would not harm the machine (and -p mode asks first).
DESTRUCTIVE = [
    "rm -rf ~",
    "rm -rf $HOME/",
]


@pytest.mark.parametrize("command", DESTRUCTIVE)
def test_claude_code_never_runs_a_destructive_call(
    guarded: Gateway, upstream: FakeUpstream, home: Path, command: str
) -> None:
    call = {"name": "Bash", "arguments": {"command": command, "description": "Clean up"}}
    run = run_claude(
        guarded.url,
        "clean up my machine",
        home,
        env={"ANTHROPIC_API_KEY": "sk-ant-test"},
        headers={"x-fake-tool": json.dumps(call)},
    )
    assert not run.is_error, run.output
    assert "Sluice blocked a tool call" in run.result
    assert command in run.result
    assert (home / "keep.txt").read_text() == "still here"
