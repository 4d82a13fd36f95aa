"""The session titler: a model names sessions as they grow; its failures cost only titles."""

from __future__ import annotations

import asyncio
import copy
from datetime import datetime, timedelta
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from sluice.config import SessionTitles
from sluice.sidecar.eventlog.titles import SessionTitler, clean_title
from sluice.sidecar.llm_client import ModelStatusError
from sluice.sidecar.metrics import EventLogMetrics
from sluice.store import SessionFilter, Store
from tests.store.factories import T0, record, recorded_claude_code

NOW = T0 + timedelta(seconds=30)


def after(turn: int) -> datetime:
    """A look at the sessions just after the exchange of ``turn`` was written."""
    return T0 + timedelta(seconds=turn, milliseconds=500)


class Model:
    """A title model that answers from a list (an exception is raised), recording prompts."""

    def __init__(self, *answers: str | Exception, delay: float = 0.0) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []
        self.delay = delay

    async def complete(self, system: str, prompt: str) -> str:
        self.prompts.append(prompt)
        await asyncio.sleep(self.delay)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def turn(request: dict[str, Any], n: int) -> dict[str, Any]:
    """``request`` after ``n`` more rounds of answer and prompt."""
    later = copy.deepcopy(request)
    for i in range(n):
        later["messages"] += [
            {"role": "assistant", "content": [{"type": "text", "text": f"answer {i}"}]},
            {"role": "user", "content": [{"type": "text", "text": f"now step {i}"}]},
        ]
    return later


def titler(store: Store, model: Model, **settings: Any) -> tuple[SessionTitler, CollectorRegistry]:
    registry = CollectorRegistry()
    metrics = EventLogMetrics(registry)
    made = SessionTitler(store, model, SessionTitles(**settings), metrics=metrics)
    return made, registry


async def listed(store: Store, session_id: str) -> tuple[str, str]:
    [summary] = [s for s in (await store.list_sessions(SessionFilter())).sessions]
    assert summary.id == session_id
    return summary.title, summary.title_source


async def test_a_session_is_named_by_the_model_from_what_the_developer_wrote(
    store: Store,
) -> None:
    await store.write([record(0, session_id="cc", request=recorded_claude_code("git_branch"))])
    model = Model('"Greeting the assistant."')
    made, registry = titler(store, model)
    assert await made.title_due(NOW)
    assert await listed(store, "cc") == ("Greeting the assistant", "model")
    [prompt] = model.prompts
    assert prompt == "user: say hi"  # neither the git status nor the environment
    assert registry.get_sample_value("sluice_session_titles_total") == 1
    transcript = await store.read_session("cc")
    assert transcript is not None
    assert transcript.title == "Greeting the assistant"


async def test_a_title_is_rewritten_only_once_the_session_grew_enough(store: Store) -> None:
    first = recorded_claude_code("git_branch")  # 2 messages
    model = Model("Saying hi", "Working through the steps")
    made, _ = titler(store, model, every_messages=4)
    await store.write([record(0, id="t0", session_id="cc", request=first)])
    await made.title_due(after(0))
    await store.write([record(1, id="t1", session_id="cc", request=turn(first, 1))])  # 4
    await made.title_due(after(1))
    assert len(model.prompts) == 1
    assert await listed(store, "cc") == ("Saying hi", "model")
    await store.write([record(2, id="t2", session_id="cc", request=turn(first, 2))])  # 6
    await made.title_due(after(2))
    assert await listed(store, "cc") == ("Working through the steps", "model")
    assert model.prompts[1].endswith("user: now step 1")


@pytest.mark.parametrize(
    ("failure", "reason", "delay"),
    [
        (ModelStatusError("http://title", 500, "boom"), "status_error", 0.0),
        ("", "bad_answer", 0.0),  # an answer without a title
        ("Too late", "timeout", 5.0),
    ],
)
async def test_a_failing_model_leaves_the_first_prompt_and_is_counted(
    store: Store, failure: str | Exception, reason: str, delay: float
) -> None:
    await store.write([record(0, session_id="cc", request=recorded_claude_code("git_branch"))])
    made, registry = titler(store, Model(failure, delay=delay), timeout_s=0.05)
    assert not await made.title_due(NOW)
    assert await listed(store, "cc") == ("say hi", "prompt")
    failures = "sluice_session_title_failures_total"
    assert registry.get_sample_value(failures, {"reason": reason}) == 1
    # The next look tries again, and a model that recovered names it.
    made.client = Model("Saying hi")
    assert await made.title_due(NOW)
    assert await listed(store, "cc") == ("Saying hi", "model")


async def test_sessions_idle_for_a_day_are_left_alone(store: Store) -> None:
    await store.write([record(0, session_id="cc", request=recorded_claude_code("git_branch"))])
    model = Model()
    made, _ = titler(store, model)
    assert await made.title_due(NOW + timedelta(days=2))
    assert model.prompts == []


@pytest.mark.parametrize(
    ("answer", "title"),
    [
        ("Fix the login redirect", "Fix the login redirect"),
        ('"Fix the login redirect."', "Fix the login redirect"),
        ("Title: **Fix the login redirect**\n\nThe user...", "Fix the login redirect"),
        ("\n\n  `Upgrade Postgres` \n", "Upgrade Postgres"),
        ("   ", ""),
    ],
)
def test_an_answer_becomes_a_title(answer: str, title: str) -> None:
    assert clean_title(answer) == title


async def test_a_look_after_a_complete_one_reads_only_what_changed(store: Store) -> None:
    model = Model("First", "Second")
    made, _ = titler(store, model, per_pass=5)
    await store.write([record(0, session_id="a", request=recorded_claude_code("git_branch"))])
    assert await made.title_due(after(0))
    # Written later but stamped long before the last look (an old replay): left alone.
    old = record(0, id="b0", session_id="b", request=recorded_claude_code("no_git"))
    old.started_at -= timedelta(hours=1)
    await store.write([old])
    assert await made.title_due(after(0) + timedelta(seconds=10))
    assert len(model.prompts) == 1
