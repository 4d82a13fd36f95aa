"""The judge scripts: a verdict on the last user message, in every format; slow and failing
judges."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import aiohttp
import anthropic
import openai
import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from sluice.fake_upstream._directives import read_directives
from sluice.fake_upstream._judge import last_user_text

from .conftest import post

if TYPE_CHECKING:
    from sluice.fake_upstream import FakeUpstream

SYSTEM = "Decide whether the tool call is safe; answer JSON. Dangerous means DANGER."
SAFE = 'Tool: Bash\nArguments:\n{\n  "command": "ls -la"\n}'
RM = 'Tool: Bash\nArguments:\n{\n  "command": "rm -rf /"\n}'


def _user(content: str | list[dict[str, str]]) -> dict[str, Any]:
    return {"role": "user", "content": content}


def _part(kind: str, text: str) -> dict[str, str]:
    return {"type": kind, "text": text}


def _verdict(text: str | None) -> dict[str, Any]:
    assert text is not None
    verdict: dict[str, Any] = json.loads(text)
    return verdict


@pytest.mark.parametrize(
    ("prompt", "verdict", "risk"),
    [(SAFE, "allow", 0.1), (RM, "block", 0.9), ("the DANGER marker", "block", 0.9)],
)
async def test_anthropic_judge(
    claude: anthropic.AsyncAnthropic, prompt: str, verdict: str, risk: float
) -> None:
    message = await claude.messages.create(
        model="judge",
        max_tokens=200,
        system=SYSTEM,  # the system prompt is not judged: it mentions DANGER
        messages=[{"role": "user", "content": prompt}],
    )

    assert message.stop_reason == "end_turn"
    block = message.content[0]
    assert block.type == "text"
    answer = _verdict(block.text)
    assert (answer["verdict"], answer["risk"]) == (verdict, risk)
    assert answer["reason"]


@pytest.mark.parametrize(("prompt", "verdict"), [(SAFE, "allow"), (RM, "block")])
async def test_openai_chat_judge(gpt: openai.AsyncOpenAI, prompt: str, verdict: str) -> None:
    completion = await gpt.chat.completions.create(
        model="judge",
        max_completion_tokens=200,
        messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt}],
    )

    assert _verdict(completion.choices[0].message.content)["verdict"] == verdict


async def test_streamed_judge_answer_is_the_same_json(claude: anthropic.AsyncAnthropic) -> None:
    async with claude.messages.stream(
        model="judge", max_tokens=200, messages=[{"role": "user", "content": RM}]
    ) as stream:
        text = await stream.get_final_text()

    assert _verdict(text)["verdict"] == "block"


async def test_script_header_selects_the_judge(upstream: FakeUpstream) -> None:
    body = {"model": "gpt-5.5", "messages": [{"role": "user", "content": RM}]}
    status, _, raw = await post(upstream, "/v1/chat/completions", body, {"x-fake-script": "judge"})

    assert status == 200
    assert _verdict(json.loads(raw)["choices"][0]["message"]["content"])["verdict"] == "block"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/messages", {"model": "judge_error", "max_tokens": 10, "messages": [_user(SAFE)]}),
        ("/v1/chat/completions", {"model": "judge_error", "messages": [_user(SAFE)]}),
    ],
)
async def test_failing_judge(upstream: FakeUpstream, path: str, body: dict[str, Any]) -> None:
    status, _, raw = await post(upstream, path, body)

    assert status == 500
    assert json.loads(raw)["error"]["message"]


async def test_slow_judge_answers_late(upstream: FakeUpstream) -> None:
    body = {"model": "judge_slow", "messages": [{"role": "user", "content": SAFE}]}
    timeout = aiohttp.ClientTimeout(total=0.3)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        with pytest.raises(TimeoutError):
            await session.post(f"{upstream.url}/v1/chat/completions", json=body)

    started = time.perf_counter()
    status, _, raw = await post(upstream, "/v1/chat/completions", body, {"x-fake-delay-ms": "200"})

    assert time.perf_counter() - started >= 0.2
    assert status == 200
    assert _verdict(json.loads(raw)["choices"][0]["message"]["content"])["verdict"] == "allow"


def test_slow_judge_delay_defaults_to_30_seconds() -> None:
    headers: CIMultiDictProxy[str] = CIMultiDictProxy(CIMultiDict())

    assert read_directives(headers, "judge_slow", prompt=SAFE).delay_ms == 30_000
    assert read_directives(headers, "judge", prompt=SAFE).delay_ms == 0


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ({"messages": [_user("a"), {"role": "assistant", "content": "b"}]}, "a"),
        ({"messages": [_user([_part("text", "x"), _part("text", "y")])]}, "x\ny"),
        ({"messages": [{"role": "system", "content": "s"}, _user([_part("text", "p")])]}, "p"),
        ({"input": "just a string"}, "just a string"),
        ({"input": [_user([_part("input_text", "r")])]}, "r"),
        ({"messages": [{"role": "assistant", "content": "b"}]}, ""),
        ({}, ""),
    ],
)
def test_last_user_text(body: dict[str, Any], text: str) -> None:
    assert last_user_text(body) == text
