"""Where a session's client ran, read from what Claude Code sent, stored and filtered on
(the requests of real Claude Code: ``tests.store.factories.recorded_claude_code``)."""

from __future__ import annotations

import copy
import re
from datetime import timedelta
from typing import Any

import pytest

from sluice.store import SessionFilter, Store
from sluice.store.codec import canonical
from sluice.store.insights import Insights, read_insights
from sluice.store.prompts import prompt_text
from tests.store.factories import T0, record
from tests.store.factories import recorded_claude_code as recorded


def texts(request: dict[str, Any]) -> list[str]:
    return [canonical(message) for message in request["messages"]]


def answered(request: dict[str, Any], answer: str, prompt: str) -> dict[str, Any]:
    """``request`` one turn later: the answer, then a new prompt."""
    later = copy.deepcopy(request)
    later["messages"] += [
        {"role": "assistant", "content": [{"type": "text", "text": answer}]},
        {"role": "user", "content": [{"type": "text", "text": prompt}]},
    ]
    return later


def moved(request: dict[str, Any], new: str) -> dict[str, Any]:
    """``request`` followed by its environment again, naming ``new`` as the working
    directory (as after a move to a worktree: history is never rewritten)."""
    [environment] = [m for m in request["messages"] if m["role"] == "system"]
    [block] = environment["content"]
    text = re.sub(r"directory: \S+", f"directory: {new}", block["text"])
    later = copy.deepcopy(request)
    later["messages"].append({"role": "system", "content": [{"type": "text", "text": text}]})
    return later


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("git_branch", Insights("/tmp/ins/home/project", "linux", True, "feature/insights")),
        ("no_git", Insights("/tmp/ins/home2/scratch", "linux", False, None)),
    ],
)
def test_claude_code_says_where_it_runs(name: str, expected: Insights) -> None:
    assert read_insights(texts(recorded(name))) == expected


def test_the_latest_statement_wins() -> None:
    request = recorded("git_branch")
    later = moved(request, "/tmp/ins/home/project-wt")
    assert read_insights(texts(later)).cwd == "/tmp/ins/home/project-wt"


def test_a_conversation_without_context_says_nothing() -> None:
    message = {"role": "user", "content": "Current branch: main, - Platform: linux"}
    assert read_insights([canonical(message)]) == Insights()


def test_the_first_prompt_leaves_out_what_claude_code_added() -> None:
    first = recorded("git_branch")["messages"][0]
    assert prompt_text(canonical(first)) == "say hi"


async def test_a_session_is_listed_with_where_it_ran(store: Store) -> None:
    await store.write([record(0, session_id="cc1", request=recorded("git_branch"))])
    await store.write([record(1, session_id="cc2", request=recorded("no_git"))])
    [summary] = (await store.list_sessions(SessionFilter(git_branch="feature/insights"))).sessions
    assert summary.id == "cc1"
    assert (summary.cwd, summary.platform, summary.git_repo, summary.git_branch) == (
        "/tmp/ins/home/project",
        "linux",
        True,
        "feature/insights",
    )
    assert (summary.title, summary.title_source) == ("say hi", "prompt")
    [other] = (await store.list_sessions(SessionFilter(cwd="/tmp/ins/home2/scratch"))).sessions
    assert (other.id, other.git_repo, other.git_branch) == ("cc2", False, None)
    assert other.title == "list the files here"
    both = await store.list_sessions(SessionFilter(platform="linux"))
    assert {s.id for s in both.sessions} == {"cc1", "cc2"}
    assert not (await store.list_sessions(SessionFilter(platform="darwin"))).sessions


@pytest.mark.parametrize("one_batch", [True, False])
async def test_a_session_that_moves_is_shown_where_it_went(store: Store, one_batch: bool) -> None:
    first = recorded("git_branch")
    second = moved(answered(first, "hi", "go on in the worktree"), "/tmp/wt")
    records = [
        record(0, session_id="cc1", request=first),
        record(1, session_id="cc1", request=second, started_at=T0 + timedelta(seconds=5)),
    ]
    if one_batch:
        await store.write(records)
    else:
        for one in records:
            await store.write([one])
    transcript = await store.read_session("cc1")
    assert transcript is not None
    assert transcript.insights == Insights("/tmp/wt", "linux", True, "feature/insights")
    assert not (await store.list_sessions(SessionFilter(cwd="/tmp/ins/home/project"))).sessions


async def test_a_later_turn_that_says_nothing_keeps_what_was_said(store: Store) -> None:
    first = recorded("git_branch")
    later = answered(first, "hi", "thanks")
    for message in later["messages"]:  # a client that stopped sending its context
        if message["role"] == "system":
            message["content"] = [{"type": "text", "text": "nothing here"}]
    await store.write([record(0, session_id="cc1", request=first)])
    await store.write([record(1, session_id="cc1", request=later)])
    transcript = await store.read_session("cc1")
    assert transcript is not None
    assert transcript.insights.cwd == "/tmp/ins/home/project"


async def test_claude_code_respelling_its_environment_stays_one_session(store: Store) -> None:
    """Claude Code 2.1.332 sends its environment as text blocks in its first request and as
    a string in the next ones: the same session goes on, with its title and place."""
    first = recorded("git_branch")
    second = answered(first, "hi", "now fix the tests")
    [block] = second["messages"][1]["content"]
    second["messages"][1]["content"] = block["text"]
    await store.write([record(0, session_id="cc1", request=first)])
    await store.write([record(1, session_id="cc1", request=second)])
    [session] = (await store.list_sessions(SessionFilter())).sessions
    assert (session.id, session.exchanges) == ("cc1", 2)
    assert (session.title, session.title_source) == ("say hi", "prompt")
    assert (session.cwd, session.git_branch) == ("/tmp/ins/home/project", "feature/insights")


async def test_a_branch_keeps_the_title_and_place_it_shares_with_its_parent(
    store: Store,
) -> None:
    """A turn that rewrites an earlier answer (a rewind) starts a child session: titled by
    the first prompt it shares with its parent, where the parent ran."""
    first = recorded("git_branch")
    second = answered(first, "hi", "now fix the tests")
    rewound = answered(first, "hello there", "fix the docs instead")
    await store.write([record(0, session_id="cc1", request=first)])
    await store.write([record(1, session_id="cc1", request=second)])
    await store.write([record(2, session_id="cc1", request=rewound)])
    branch, root = (await store.list_sessions(SessionFilter())).sessions
    assert (branch.id, branch.parent_id, root.id) == ("cc1/1", "cc1", "cc1")
    assert (branch.title, branch.title_source) == ("say hi", "prompt")  # from the shared part
    assert (branch.cwd, branch.git_branch) == ("/tmp/ins/home/project", "feature/insights")
