"""``tool_judge``: verdicts, threshold, robust parsing, fail-closed errors, per-session cache."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from sluice.fake_upstream import FakeUpstream
from sluice.hooks import ToolCallHook
from sluice.model import ToolCall
from sluice.policies.tool_judge import (
    DEFAULT_INSTRUCTIONS,
    JudgeAnswerError,
    ToolJudge,
    parse_verdict,
)
from sluice.policy import ModelEndpoint, PolicyError
from sluice.sidecar.chain import Chain, Decision
from sluice.sidecar.llm_client import ModelClients

from .factories import anthropic_body, context, tool_call_hook

ALLOW = '{"verdict": "allow", "risk": 0.1, "reason": "read-only listing"}'
BLOCK = '{"verdict": "block", "risk": 0.9, "reason": "deletes the home directory"}'


class FakeJudge:
    """A ModelClient answering from a list (the last answer repeats); records each question."""

    def __init__(self, *answers: str | Exception, delay: float = 0.0) -> None:
        self.answers = list(answers)
        self.delay = delay
        self.questions: list[tuple[str, str]] = []

    async def complete(self, system: str, prompt: str) -> str:
        self.questions.append((system, prompt))
        await asyncio.sleep(self.delay)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def judge_policy(client: FakeJudge, **config: Any) -> ToolJudge:
    endpoints: list[ModelEndpoint] = []

    def models(endpoint: ModelEndpoint) -> FakeJudge:
        endpoints.append(endpoint)
        assert len(endpoints) == 1, "the client is made once"
        return client

    raw = {"judge": {"api": "openai", "model": "judge"}, **config}
    policy = ToolJudge.configure(raw, name="tool_judge", models=models)
    assert isinstance(policy, ToolJudge)
    assert endpoints == [], "the client is made lazily"
    return policy


def hook_in(session: str | None, arguments: dict[str, Any], name: str = "Bash") -> ToolCallHook:
    return ToolCallHook(context(session=session), ToolCall("toolu_9", name, json.dumps(arguments)))


async def run_in_chain(policy: ToolJudge, hook: ToolCallHook) -> list[Decision]:
    decisions: list[Decision] = []
    await Chain([policy]).run(hook, decisions)
    return decisions


def test_config_defaults() -> None:
    policy = judge_policy(FakeJudge(ALLOW))

    config = policy.config
    assert (config.timeout_s, config.on_error, config.threshold) == (15.0, "block", 0.5)
    assert config.cache
    assert config.instructions == DEFAULT_INSTRUCTIONS
    assert config.judge.model == "judge"


def test_config_needs_a_judge() -> None:
    with pytest.raises(PolicyError, match="judge: Field required"):
        ToolJudge.configure({})


async def test_allowed_call_passes_and_is_recorded() -> None:
    judge = FakeJudge(ALLOW)
    policy = judge_policy(judge)
    hook = tool_call_hook("Bash", {"command": "ls -la"})

    await policy.tool_call(hook)

    assert hook.blocked is None
    record = policy.record_for("session-1", "toolu_1")
    assert record is not None
    assert (record.verdict, record.risk, record.blocked, record.cached) == (
        "allow",
        0.1,
        False,
        False,
    )
    assert (record.tool, record.reason) == ("Bash", "read-only listing")
    assert record.seconds >= 0


async def test_blocked_call_names_reason_and_risk() -> None:
    policy = judge_policy(FakeJudge(BLOCK))
    hook = tool_call_hook("Bash", {"command": "rm -rf ~"})

    await policy.tool_call(hook)

    assert hook.blocked == (
        "the tool judge rated this call unsafe (risk 0.90): deletes the home directory"
    )
    assert policy.verdicts[-1].blocked


@pytest.mark.parametrize(
    ("answer", "threshold", "blocked"),
    [
        ('{"verdict": "allow", "risk": 0.6, "reason": "r"}', 0.5, True),
        ('{"verdict": "allow", "risk": 0.5, "reason": "r"}', 0.5, True),  # at: blocked
        ('{"verdict": "allow", "risk": 0.6, "reason": "r"}', 0.7, False),
        ('{"verdict": "block", "risk": 0.2, "reason": "r"}', 0.7, True),  # block always blocks
        ('{"verdict": "allow", "reason": "r"}', 0.0, True),  # no risk: 0 for allow
        ('{"verdict": "allow", "reason": "r"}', 0.1, False),
    ],
)
async def test_threshold(answer: str, threshold: float, blocked: bool) -> None:
    policy = judge_policy(FakeJudge(answer), threshold=threshold)
    hook = tool_call_hook("Bash", {"command": "make"})

    await policy.tool_call(hook)

    assert (hook.blocked is not None) == blocked


@pytest.mark.parametrize(
    ("risk", "verdict", "outcome"),
    [
        (0.3, "allow", "allowed"),
        (0.4, "allow", "escalated"),  # at review_from: a person decides
        (0.6, "block", "escalated"),  # in the band, whatever the verdict
        (0.8, "allow", "blocked"),  # at threshold: blocked
    ],
)
async def test_risks_between_review_from_and_threshold_go_to_a_person(
    risk: float, verdict: str, outcome: str
) -> None:
    answer = json.dumps({"verdict": verdict, "risk": risk, "reason": "touches prod"})
    policy = judge_policy(FakeJudge(answer), threshold=0.8, review_from=0.4, review_deadline_s=30)
    hook = tool_call_hook("Bash", {"command": "make deploy"})
    await policy.tool_call(hook)
    found = "blocked" if hook.blocked else "escalated" if hook.escalated else "allowed"
    assert found == outcome
    if hook.escalated is not None:
        assert hook.escalated.reason == (
            f"the tool judge is unsure of this call (risk {risk:.2f}): touches prod"
        )
        assert hook.escalated.deadline_s == 30


def test_review_from_must_be_below_threshold() -> None:
    with pytest.raises(PolicyError, match="review_from"):
        judge_policy(FakeJudge(ALLOW), threshold=0.5, review_from=0.5)


async def test_prompt_shows_tool_arguments_and_bounded_context() -> None:
    judge = FakeJudge(ALLOW)
    policy = judge_policy(judge, context_chars=20, instructions="Judge it.")
    body = anthropic_body(
        messages=[
            {"role": "user", "content": "first question"},
            {"role": "assistant", "content": "ok"},
            {"role": "user", "content": "please clean the build directory " + "x" * 500},
        ]
    )
    hook = ToolCallHook(
        context(body=body), ToolCall("t", "Bash", '{"command":"rm -rf build","timeout":5}')
    )

    await policy.tool_call(hook)

    [(system, prompt)] = judge.questions
    assert system == "Judge it."
    assert "Tool: Bash\nArguments:\n{" in prompt
    assert '{\n  "command": "rm -rf build",\n  "timeout": 5\n}' in prompt
    assert "please clean the bui [...]" in prompt
    assert "first question" not in prompt
    assert "x" * 30 not in prompt


async def test_huge_arguments_are_cut_in_the_middle() -> None:
    judge = FakeJudge(ALLOW)
    policy = judge_policy(judge)
    content = "a" * 50_000 + "TAIL"

    await policy.tool_call(tool_call_hook("Write", {"content": content}))

    [(_, prompt)] = judge.questions
    assert len(prompt) < 20_000
    assert "characters omitted" in prompt
    assert "TAIL" in prompt


@pytest.mark.parametrize(
    ("answer", "verdict", "risk"),
    [
        (BLOCK, "block", 0.9),
        ('```json\n{"verdict": "allow", "risk": 0.2, "reason": "ok"}\n```', "allow", 0.2),
        ('Here you go: {"verdict": "block", "risk": 1, "reason": "a {brace}"} Done.', "block", 1),
        ('I considered {maybe}. {"verdict": "ALLOW", "risk": "0.3", "reason": "x"}', "allow", 0.3),
        ('{"example": true} then {"verdict": "block", "risk": 0.7}', "block", 0.7),
        ('{"verdict": "allow", "risk": 0, "reason": "ok", "extra": [1, 2]}', "allow", 0),
    ],
)
def test_parse_verdict(answer: str, verdict: str, risk: float) -> None:
    parsed = parse_verdict(answer)

    assert (parsed.verdict, parsed.risk) == (verdict, risk)


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("I think it is fine.", "no JSON object"),
        ('{"verdict": "maybe", "risk": 0.5}', "verdict: Input should be 'allow' or 'block'"),
        ('{"verdict": "allow", "risk": 7}', "risk: Input should be less than or equal to 1"),
        ('{"verdict": "allow", "risk": 0.1', "no JSON object"),  # cut short
        ("", "no JSON object"),
    ],
)
def test_unparseable_answers(answer: str, problem: str) -> None:
    with pytest.raises(JudgeAnswerError, match=problem):
        parse_verdict(answer)


async def test_garbage_answer_blocks_through_the_chain() -> None:
    policy = judge_policy(FakeJudge("Sure! The call looks fine to me."))
    hook = tool_call_hook("Bash", {"command": "ls"})

    decisions = await run_in_chain(policy, hook)

    assert hook.blocked is not None
    assert hook.blocked == "policy tool_judge could not check this tool call (failed)"
    assert "Sure!" not in hook.blocked  # the judge's answer is for the operator, not the client
    assert [(d.policy, d.action) for d in decisions] == [("tool_judge", "error")]
    assert "not a verdict" in (decisions[0].reason or "")
    assert not policy.verdicts


@pytest.mark.parametrize(("on_error", "blocked"), [("block", True), ("allow", False)])
async def test_judge_failure_follows_on_error(on_error: str, blocked: bool) -> None:
    policy = judge_policy(FakeJudge(ConnectionError("judge down")), on_error=on_error)
    hook = tool_call_hook("Bash", {"command": "ls"})

    decisions = await run_in_chain(policy, hook)

    assert (hook.blocked is not None) == blocked
    assert "judge down" in decisions[0].reason


async def test_slow_judge_times_out_and_fails_closed() -> None:
    judge = FakeJudge(ALLOW, delay=5)
    policy = judge_policy(judge, timeout_s=0.05)
    hook = tool_call_hook("Bash", {"command": "ls"})

    decisions = await run_in_chain(policy, hook)

    assert hook.blocked == "policy tool_judge could not check this tool call (timed out)"
    assert decisions[0].action == "error"
    assert decisions[0].seconds < 1
    assert not policy.verdicts  # no verdict came, nothing cached
    judge.delay = 0
    await policy.tool_call(again := tool_call_hook("Bash", {"command": "ls"}))
    assert again.blocked is None
    assert len(judge.questions) == 2


async def test_verdict_is_cached_per_session() -> None:
    judge = FakeJudge(BLOCK)
    policy = judge_policy(judge)
    first = hook_in("s1", {"command": "rm -rf /", "cwd": "/"})
    same = hook_in("s1", {"cwd": "/", "command": "rm -rf /"})  # same call, keys reordered
    other_session = hook_in("s2", {"command": "rm -rf /", "cwd": "/"})

    for hook in (first, same):
        await policy.tool_call(hook)
    assert len(judge.questions) == 1
    assert same.blocked == first.blocked is not None
    assert [r.cached for r in policy.verdicts] == [False, True]
    assert policy.verdicts[-1].seconds == 0

    await policy.tool_call(other_session)
    assert len(judge.questions) == 2
    assert other_session.blocked is not None


@pytest.mark.parametrize(
    ("config", "session", "asked"),
    [
        ({"cache": False}, "s1", 2),
        ({}, None, 2),  # no session: nothing to scope a verdict to
        ({}, "s1", 1),
    ],
)
async def test_when_the_cache_applies(
    config: dict[str, Any], session: str | None, asked: int
) -> None:
    judge = FakeJudge(ALLOW)
    policy = judge_policy(judge, **config)

    for _ in range(2):
        await policy.tool_call(hook_in(session, {"command": "ls"}))

    assert len(judge.questions) == asked


async def test_cache_is_a_bounded_lru() -> None:
    judge = FakeJudge(ALLOW)
    policy = judge_policy(judge, cache_size=2)
    calls = ["a", "b", "a", "c", "a", "b"]  # b is the least recent when c arrives

    for command in calls:
        await policy.tool_call(hook_in("s1", {"command": command}))

    asked = [json.loads(p.split("Arguments:\n")[1].split("\n\n")[0]) for _, p in judge.questions]
    assert [a["command"] for a in asked] == ["a", "b", "c", "b"]


@pytest.mark.parametrize(
    ("model", "command", "outcome"),
    [
        ("judge", "ls -la", None),
        ("judge", "rm -rf /", "the tool judge rated this call unsafe (risk 0.90): The call"),
        ("judge_error", "ls -la", "could not check this tool call (failed)"),
        ("judge_slow", "ls -la", "could not check this tool call (timed out)"),
    ],
)
async def test_with_the_fake_upstream_as_judge(
    model: str, command: str, outcome: str | None
) -> None:
    clients = ModelClients()  # the real HTTP client, as the gateway builds it
    hook = tool_call_hook("Bash", {"command": command})
    async with FakeUpstream() as upstream:
        judge = {"base_url": upstream.url, "model": model}
        config = {"judge": judge, "timeout_s": 0.5}
        policy = ToolJudge.configure(config, name="tool_judge", models=clients)
        await Chain([policy]).run(hook, [])
        await clients.aclose()

    if outcome is None:
        assert hook.blocked is None
    else:
        assert hook.blocked is not None
        assert outcome in hook.blocked
