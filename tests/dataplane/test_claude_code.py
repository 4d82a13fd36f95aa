"""Real Claude Code (headless, pinned) through the real gateway and the fake upstream.

What a developer sees when the gateway stands between Claude Code and its provider: answers
arrive as usual, a destructive tool call never reaches the tools, whichever way the model
spells it, a tool round trip with a blocked call in the same turn completes, and a Sluice
key works however Claude Code is given it (``ANTHROPIC_API_KEY``,
``ANTHROPIC_AUTH_TOKEN``, an ``apiKeyHelper``). (A wrong key is refused before the
provider in ``test_auth_keys.py``; Claude Code retries a 401 for minutes.) See
``tests/dataplane/claude_code.py`` for how Claude Code is run.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from sluice.schema import async_url
from sluice.store import Store, Transcript, client_fingerprint
from sluice.store.keys import create_key
from tests.dataplane.claude_code import (
    Mode,
    assert_tool_round_trip,
    endpoint_env,
    run_claude,
    tool_round_trip,
)
from tests.dataplane.conftest import track
from tests.dataplane.test_event_log import store_url
from tests.harness import (
    ROOT,
    FakeUpstream,
    Gateway,
    gateway_config,
    short_tempdir,
    start_gateway,
)


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
    "find ~ -mindepth 1 -delete",
    "cd ~ && rm -rf -- *",
    "python3 -c \"import os, shutil; shutil.rmtree(os.path.expanduser('~'))\"",
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
    assert "wipe_root_or_home" in run.result  # the rule that judged it, whatever the spelling
    assert (home / "keep.txt").read_text() == "still here"


def test_a_claude_code_conversation_is_one_session_in_the_history(
    enforcing_gateway: Gateway, upstream: FakeUpstream, home: Path
) -> None:
    # On this model Claude Code sends its environment as a `system` message, a cached text
    # block at first and a plain string afterwards: still one conversation, not a child.
    upstream.clear()
    key = {"ANTHROPIC_API_KEY": "sk-ant-test"}
    run = tool_round_trip(
        enforcing_gateway.url, home, mode="anthropic", model="claude-opus-5-5", env=key
    )
    assert not run.is_error, run.output
    first, second = (json.loads(r["body"]) for r in upstream.requests() if r["method"] == "POST")
    assert [m["role"] for m in first["messages"]] == ["user", "system"]
    assert isinstance(first["messages"][1]["content"], list)
    assert isinstance(second["messages"][1]["content"], str)

    session = f"{run.output['session_id']}@{client_fingerprint('sk-ant-test')}"
    transcript = asyncio.run(_recorded(store_url(enforcing_gateway), session, exchanges=2))
    assert transcript is not None
    assert transcript.parent_id is None
    assert [transcript.request(e)["messages"] for e in transcript.exchanges] == [
        first["messages"],
        second["messages"],
    ]
    assert asyncio.run(_recorded(store_url(enforcing_gateway), session + "/1", 0)) is None


async def _recorded(url: str, session: str, exchanges: int) -> Transcript | None:
    """The session once the recorder has written ``exchanges`` of it (it batches)."""
    async with Store(async_url(url)) as store:
        for _ in range(100):
            found = await store.read_session(session)
            if exchanges == 0 or (found is not None and len(found.exchanges) >= exchanges):
                return found
            await asyncio.sleep(0.05)
    raise AssertionError(f"session {session} not recorded")


def test_claude_code_runs_tools_through_the_gateway(
    enforcing_gateway: Gateway, upstream: FakeUpstream, home: Path
) -> None:
    upstream.clear()
    key = {"ANTHROPIC_API_KEY": "sk-ant-test"}
    run = tool_round_trip(
        enforcing_gateway.url, home, mode="anthropic", model="claude-sonnet-4-5", env=key
    )
    calls = [r for r in upstream.requests() if r["method"] == "POST"]
    assert [call["path"] for call in calls] == ["/v1/messages?beta=true"] * 2
    assert_tool_round_trip(run, home, json.loads(calls[1]["body"]))


@pytest.mark.parametrize(
    ("client", "mode"),
    [
        ("Claude Code", "anthropic"),
        ("Claude Code, Bedrock mode", "bedrock"),
        ("Claude Code, Vertex AI mode", "vertex"),
    ],
)
def test_the_readme_sets_claude_code_up_as_these_tests_do(client: str, mode: Mode) -> None:
    lines = (ROOT / "README.md").read_text().splitlines()
    # The first table naming the client is "Point your clients at it".
    row = next(line for line in lines if line.startswith(f"| {client} |"))
    setting = re.search(r"`([^`]*)`", row)
    assert setting is not None, row
    words = setting[1].removeprefix("export ").split()
    assert dict(word.split("=", 1) for word in words) == endpoint_env(mode, "http://127.0.0.1:8080")


async def _issue_key(store_url: str) -> str:
    async with Store(async_url(store_url)) as store:
        _, key = await create_key(store, "alice", "payments")
    return key


@pytest.fixture(scope="module")
def keyed(upstream: FakeUpstream) -> Iterator[tuple[Gateway, str]]:
    """A gateway in keys mode (its store an SQLite file) and a key issued by it."""
    with short_tempdir() as base:
        store_url = f"sqlite:///{base / 'sluice.db'}"
        config = gateway_config(
            upstream.url, base / "run", store_url=store_url, auth={"mode": "keys"}
        )
        with track(start_gateway(base, config)) as gateway:
            yield gateway, asyncio.run(_issue_key(store_url))


def _saw(upstream: FakeUpstream, key: str) -> list[dict[str, object]]:
    """The LLM requests the provider received, after checking none carried ``key``."""
    calls = [r for r in upstream.requests() if r["method"] == "POST"]
    assert all(key not in json.dumps(call) for call in calls)
    return calls


@pytest.mark.parametrize("how", ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "apiKeyHelper"])
def test_claude_code_works_with_a_sluice_key_however_it_is_given(
    keyed: tuple[Gateway, str], upstream: FakeUpstream, home: Path, how: str
) -> None:
    gateway, key = keyed
    upstream.clear()
    if how == "apiKeyHelper":  # Claude Code runs the command for its key
        (home / "sluice-key").write_text(key)
        settings = {"apiKeyHelper": f"cat {home / 'sluice-key'}"}
        run = run_claude(gateway.url, "say hi", home, settings=settings)
    else:
        run = run_claude(gateway.url, "say hi", home, env={how: key})
    assert not run.is_error, run.output
    assert "scripted" in run.result
    assert len(_saw(upstream, key)) == 1
