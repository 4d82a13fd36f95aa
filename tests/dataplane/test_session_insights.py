"""Sessions through the real gateway: where real Claude Code ran, and a model's title, both
worked out by the event-log writer; a failing title model costs the traffic nothing."""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sluice.schema import async_url
from sluice.store import SessionFilter, SessionSummary, Store
from tests.dataplane.claude_code import run_claude
from tests.dataplane.test_event_log import admin_metrics, scoped, sdk_turn, store_url, transcript
from tests.harness import FakeUpstream, Gateway


def title_model(upstream: FakeUpstream, model: str) -> dict[str, Any]:
    """``session_titles`` with the fake upstream's ``model`` script as the title model."""
    endpoint = {"api": "anthropic", "base_url": upstream.url, "api_key": "sk-title", "model": model}
    return {"model": endpoint, "interval_s": 0.2, "timeout_s": 5}


async def summary_when(
    gateway: Gateway, ready: Callable[[SessionSummary], bool], **where: Any
) -> SessionSummary:
    """The only session matching ``where`` once ``ready`` holds for it."""
    async with Store(async_url(store_url(gateway))) as store:
        for _ in range(300):
            page = await store.list_sessions(SessionFilter(**where))
            if page.sessions and ready(page.sessions[0]):
                [summary] = page.sessions
                return summary
            await asyncio.sleep(0.05)
    raise AssertionError(f"no session matching {where} got ready")


def git_project(home: Path, branch: str) -> Path:
    project = home / "project"
    project.mkdir(parents=True)
    git = ["git", "-C", str(project), "-c", "user.name=Ada", "-c", "user.email=ada@example.com"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    (project / "README.md").write_text("widgets\n")
    subprocess.run([*git, "add", "README.md"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "first"], check=True)
    subprocess.run([*git, "checkout", "-q", "-b", branch], check=True)
    return project


async def test_claude_code_sessions_say_where_they_ran_and_get_a_model_title(
    make_gateway: Callable[..., Gateway], upstream: FakeUpstream, tmp_path: Path
) -> None:
    gateway = make_gateway(session_titles=title_model(upstream, "text"))
    home = tmp_path / "home"
    project = git_project(home, "feature/login")
    run = run_claude(gateway.url, "say hi", home, env={"ANTHROPIC_API_KEY": "sk-ant-test"})
    assert not run.is_error, run.output
    summary = await summary_when(
        gateway, lambda s: s.title_source == "model", git_branch="feature/login"
    )
    assert summary.id == scoped(run.output["session_id"], "sk-ant-test")
    assert (summary.cwd, summary.git_repo, summary.platform) == (str(project), True, "linux")
    # The fake's scripted answer, cleaned into a title, as a real model's would be.
    assert summary.title.startswith("Here is a short answer from the fake upstream")


async def test_a_failing_title_model_never_affects_traffic(
    make_gateway: Callable[..., Gateway], upstream: FakeUpstream
) -> None:
    gateway = make_gateway(session_titles=title_model(upstream, "error_500"))
    session = uuid.uuid4().hex
    for _ in range(3):
        await sdk_turn(gateway, session)  # each answered in full (ask() checks the reply)
    found = await transcript(store_url(gateway), session, exchanges=3)
    assert len(found.exchanges) == 3
    for _ in range(100):
        failures = admin_metrics(gateway).get(
            'sluice_session_title_failures_total{reason="status_error"}', 0
        )
        if failures:
            break
        await asyncio.sleep(0.1)
    assert failures >= 1
    summary = await summary_when(gateway, lambda s: True)
    assert (summary.title_source, summary.title) == ("prompt", found.messages[0]["content"])
    assert found.title is None
