"""Request-rate limits and token budgets through the real gateway: each limit answers 429
in the client's own format with ``retry-after`` (the official SDKs raise RateLimitError),
budgets are shared by two gateways on one Postgres, and a stream that crosses its budget
ends cleanly with the stop reason the client knows for "out of tokens"."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anthropic
import openai
import pytest
from sqlalchemy.engine import URL

from tests.dataplane.conftest import track
from tests.harness import ROOT, FakeUpstream, Gateway, gateway_config, short_tempdir, start_gateway
from tests.store.fixtures import _create_database, postgres_server  # noqa: F401 - fixture

ANTHROPIC = {"anthropic-version": "2023-06-01", "content-type": "application/json"}
MESSAGE = {
    "model": "claude-sonnet-4-6",
    "max_tokens": 64,
    "messages": [{"role": "user", "content": "hi"}],
}
CHAT = {"model": "gpt-5", "messages": [{"role": "user", "content": "hi"}]}


@dataclass
class Reply:
    status_code: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


def _post(url: str, body: dict[str, Any], headers: dict[str, str]) -> Reply:
    headers = {"content-type": "application/json", **headers}
    request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request) as response:
            status, got, text = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, got, text = error.code, error.headers, error.read()
    return Reply(status, {k.lower(): v for k, v in got.items()}, text.decode())


def _anthropic(gateway: Gateway, key: str, **extra: Any) -> Reply:
    headers = {**ANTHROPIC, "x-api-key": key, **extra.pop("headers", {})}
    return _post(f"{gateway.url}/v1/messages", MESSAGE | extra, headers)


def _chat(gateway: Gateway, key: str, **extra: Any) -> Reply:
    headers = {"authorization": f"Bearer {key}", **extra.pop("headers", {})}
    return _post(f"{gateway.url}/v1/chat/completions", CHAT | extra, headers)


async def streamed_chat(gateway: Gateway, key: str, headers: dict[str, str]) -> tuple[str, str]:
    """A streamed Chat Completions answer through ``gateway``: its text and finish reason."""
    async with openai.AsyncOpenAI(base_url=f"{gateway.url}/v1", api_key=key, max_retries=0) as gpt:
        chunks = await gpt.chat.completions.create(**CHAT, stream=True, extra_headers=headers)
        text, finish = "", ""
        async for chunk in chunks:
            for choice in chunk.choices:
                text += choice.delta.content or ""
                finish = choice.finish_reason or finish
    return text, finish


async def spend_until_refused(gateway: Gateway, key: str) -> list[int]:
    """Call ``gateway`` as ``key`` until a budget refuses it (answered at first), then give
    the gateways on the same store a second to synchronise with it; the statuses."""
    statuses = []
    for _ in range(10):
        statuses.append(_anthropic(gateway, key).status_code)
        if statuses[-1] == 429:
            break
        await asyncio.sleep(0.3)  # the charge lands when the stream is done
    assert statuses[0] == 200, statuses
    assert statuses[-1] == 429, statuses
    await asyncio.sleep(1.0)
    return statuses


def _started(upstream: FakeUpstream, **overrides: Any) -> Iterator[Gateway]:
    with short_tempdir() as base:
        config = gateway_config(upstream.url, base / "run", **overrides)
        with track(start_gateway(base, config)) as gateway:
            yield gateway


@pytest.fixture(scope="module")
def limited(upstream: FakeUpstream) -> Iterator[Gateway]:
    yield from _started(
        upstream,
        team_header="x-team",
        limits={
            "requests": {
                "global": {"requests": 1000, "per": "minute"},
                "per_client": {"requests": 2, "per": "minute"},
                "per_team": {"requests": 1, "per": "hour"},
                "per_model": {"gpt-limited": {"requests": 1, "per": "hour"}},
            }
        },
    )


def test_a_client_over_its_rate_gets_429_in_anthropic_format(limited: Gateway) -> None:
    replies = [_anthropic(limited, "sk-ant-rate-a") for _ in range(3)]
    assert [r.status_code for r in replies] == [200, 200, 429]
    refused = replies[2]
    assert refused.json()["type"] == "error"
    assert refused.json()["error"]["type"] == "rate_limit_error"
    assert int(refused.headers["retry-after"]) >= 1
    assert _anthropic(limited, "sk-ant-rate-b").status_code == 200  # another client


def test_a_client_over_its_rate_gets_429_in_openai_format(limited: Gateway) -> None:
    replies = [_chat(limited, "sk-rate-c") for _ in range(3)]
    assert [r.status_code for r in replies] == [200, 200, 429]
    error = replies[2].json()["error"]
    assert (error["type"], error["code"]) == ("rate_limit_exceeded", "rate_limit_exceeded")
    assert int(replies[2].headers["retry-after"]) >= 1


def test_a_model_and_a_team_have_their_own_rates(limited: Gateway) -> None:
    assert _chat(limited, "sk-model-1", model="gpt-limited").status_code == 200
    again = _chat(limited, "sk-model-2", model="gpt-limited")  # another client, same model
    assert again.status_code == 429
    assert again.json()["error"]["type"] == "rate_limit_exceeded"
    assert _chat(limited, "sk-model-2").status_code == 200  # another model
    team = {"x-team": "blue"}
    assert _anthropic(limited, "sk-team-1", headers=team).status_code == 200
    assert _anthropic(limited, "sk-team-2", headers=team).status_code == 429
    assert _anthropic(limited, "sk-team-2", headers={"x-team": "red"}).status_code == 200


async def test_the_sdks_raise_rate_limit_error(limited: Gateway) -> None:
    for _ in range(2):
        _anthropic(limited, "sk-ant-sdk")
    async with anthropic.AsyncAnthropic(
        base_url=limited.url, api_key="sk-ant-sdk", max_retries=0
    ) as claude:
        with pytest.raises(anthropic.RateLimitError) as raised:
            await claude.messages.create(**MESSAGE)
    assert raised.value.body["error"]["type"] == "rate_limit_error"  # type: ignore[index]
    assert raised.value.response.headers["retry-after"]
    for _ in range(2):
        _chat(limited, "sk-oai-sdk")
    async with openai.AsyncOpenAI(
        base_url=f"{limited.url}/v1", api_key="sk-oai-sdk", max_retries=0
    ) as gpt:
        with pytest.raises(openai.RateLimitError) as refused:
            await gpt.chat.completions.create(**CHAT)
    assert refused.value.code == "rate_limit_exceeded"


def test_the_key_never_reaches_envoy_stats(limited: Gateway) -> None:
    key = "sk-ant-secret-" + "Kx9" * 10
    for _ in range(3):
        _anthropic(limited, key)
    with urllib.request.urlopen(f"{limited.admin_url}/stats") as response:
        stats = response.read().decode()
    assert "Kx9Kx9" not in stats
    assert "sluice_requests.http_local_rate_limit.rate_limited" in stats


# --- token budgets ------------------------------------------------------------------------


@pytest.fixture
async def postgres_url(postgres_server: URL) -> str:  # noqa: F811 - the imported fixture
    url = await _create_database(postgres_server)
    return url.replace("postgresql+asyncpg://", "postgresql://")


def _upgrade(url: str, tmp_path: Path) -> None:
    config = tmp_path / "db.yaml"
    config.write_text(json.dumps({"store_url": url}))
    done = subprocess.run(
        [sys.executable, "-m", "sluice", "db", "upgrade", "--config", str(config)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr


def _budget(tokens: int, **extra: Any) -> dict[str, Any]:
    return {"tokens_per_client": [{"tokens": tokens, "per": "day"}], "sync_interval_s": 0.2} | extra


async def test_a_budget_spent_on_one_gateway_is_refused_on_the_other(
    make_gateway: Callable[..., Gateway], postgres_url: str, tmp_path: Path
) -> None:
    _upgrade(postgres_url, tmp_path)
    # Each exchange costs about 30 tokens (a short request and the fake's short answer).
    first = make_gateway(store_url=postgres_url, limits=_budget(100))
    second = make_gateway(store_url=postgres_url, limits=_budget(100))
    key = "sk-ant-budget-shared"
    await spend_until_refused(first, key)
    refused = _anthropic(second, key)
    assert refused.status_code == 429, refused.text
    assert refused.json()["error"]["type"] == "rate_limit_error"
    assert "token budget" in refused.json()["error"]["message"]
    assert 1 <= int(refused.headers["retry-after"]) <= 86400
    chat = _chat(second, key)  # the same key from an OpenAI client: the same budget
    assert chat.status_code == 429
    assert chat.json()["error"]["code"] == "rate_limit_exceeded"
    assert _anthropic(second, "sk-ant-budget-other").status_code == 200


@pytest.fixture(scope="module")
def budgeted(upstream: FakeUpstream) -> Iterator[Gateway]:
    """Without a store: each client may use 1000 tokens a day, counted in the worker."""
    yield from _started(upstream, store_url=None, limits=_budget(1000))


async def test_a_stream_crossing_the_budget_ends_with_max_tokens(budgeted: Gateway) -> None:
    long = {"x-fake-script": "long", "x-fake-events": "2000"}
    async with (
        anthropic.AsyncAnthropic(
            base_url=budgeted.url, api_key="sk-ant-cut", max_retries=0
        ) as claude,
        claude.messages.stream(**MESSAGE | {"max_tokens": 8000}, extra_headers=long) as s,
    ):
        message = await s.get_final_message()
    assert message.stop_reason == "max_tokens"
    text = "".join(b.text for b in message.content if b.type == "text")
    assert 0 < len(text) <= 1000 * 4


async def test_openai_streams_cut_at_the_budget_end_with_length(budgeted: Gateway) -> None:
    long = {"x-fake-script": "long", "x-fake-events": "2000"}
    text, finish = await streamed_chat(budgeted, "sk-oai-cut", long)
    assert finish == "length"
    assert 0 < len(text) <= 1000 * 4
    async with openai.AsyncOpenAI(
        base_url=f"{budgeted.url}/v1", api_key="sk-oai-cut-2", max_retries=0
    ) as gpt:
        events = await gpt.responses.create(
            model="gpt-5", input="hi", stream=True, extra_headers=long
        )
        last = [event async for event in events][-1]
    assert last.type == "response.incomplete"
    response = last.response
    assert response.status == "incomplete"
    assert response.incomplete_details is not None
    assert response.incomplete_details.reason == "max_output_tokens"


def test_a_short_answer_within_the_budget_is_not_cut(budgeted: Gateway) -> None:
    reply = _anthropic(budgeted, "sk-ant-short", stream=True)
    assert reply.status_code == 200
    assert '"stop_reason":"end_turn"' in reply.text.replace(" ", "")
