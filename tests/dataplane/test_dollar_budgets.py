"""Costs and dollar budgets through the real gateway: each exchange is priced from the usage
the provider reported and stored with it (the history API sums it), a dollar budget spent on
one gateway is refused on another sharing Postgres (429 in the client's format, saying when
it renews), and a stream that crosses a dollar budget ends cleanly, like a token budget's.

Prices here are a flat $1000 per million tokens ($0.001 a token), so a cost is the tokens
the provider reported divided by a thousand."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anthropic
import pytest

from tests.dataplane.test_rate_limits import (
    MESSAGE,
    _anthropic,
    _chat,
    _started,
    _upgrade,
    postgres_url,  # noqa: F401 - fixture
    spend_until_refused,
    streamed_chat,
)
from tests.harness import FakeUpstream, Gateway
from tests.store.fixtures import postgres_server  # noqa: F401 - fixture

FLAT = {"input": 1000, "output": 1000}
COSTS = {"list_prices": False, "prices": {"claude-sonnet-4-6": FLAT, "gpt-5": FLAT}}
LONG = {"x-fake-script": "long", "x-fake-events": "2000"}


def _dollars(usd: float, per: str = "day", **extra: Any) -> dict[str, Any]:
    return {"usd_per_client": [{"usd": usd, "per": per}], "sync_interval_s": 0.2} | extra


def _spend(gateway: Gateway, query: str) -> dict[str, Any]:
    port = gateway.config["admin"]["port"]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/spend?{query}") as response:
        body: dict[str, Any] = json.loads(response.read())
    return body


async def test_a_dollar_budget_spent_on_one_gateway_is_refused_on_the_other(
    make_gateway: Callable[..., Gateway],
    postgres_url: str,  # noqa: F811 - the imported fixture
    tmp_path: Path,
) -> None:
    _upgrade(postgres_url, tmp_path)
    # An exchange reports about 30 tokens: $0.03. $0.10 a month is spent in a few.
    first = make_gateway(store_url=postgres_url, limits=_dollars(0.1, "month"), costs=COSTS)
    second = make_gateway(store_url=postgres_url, limits=_dollars(0.1, "month"), costs=COSTS)
    key = "sk-ant-dollars-shared"
    statuses = await spend_until_refused(first, key)
    refused = _anthropic(second, key)
    assert refused.status_code == 429, refused.text
    error = refused.json()["error"]
    assert error["type"] == "rate_limit_error"
    assert "dollar budget exhausted" in error["message"]
    assert "renews at " in error["message"]
    assert 1 <= int(refused.headers["retry-after"]) <= 31 * 86400
    chat = _chat(second, key)  # the same key from an OpenAI client: the same budget
    assert chat.status_code == 429
    assert chat.json()["error"]["code"] == "rate_limit_exceeded"
    assert _anthropic(second, "sk-ant-dollars-other").status_code == 200
    # What each exchange cost went to the event log with it: the history sums it.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        rows = _spend(second, "by=user")["rows"]
        if sum(row["exchanges"] for row in rows) >= len(statuses) + 3:
            break
        await asyncio.sleep(0.3)
    spent = [row for row in rows if row["exchanges"] >= len(statuses)]
    assert len(spent) == 1, rows
    row = spent[0]
    assert row["unpriced"] == 0
    tokens = row["input_tokens"] + row["output_tokens"]
    assert tokens > 0
    assert row["cost_usd"] == pytest.approx(tokens / 1000)
    assert row["cost_usd"] >= 0.1  # overshot by at most the exchanges in flight


@pytest.fixture(scope="module")
def dollar_budgeted(upstream: FakeUpstream) -> Iterator[Gateway]:
    """Without a store: each client may spend $1 a day ($0.001 a token), counted in the
    worker."""
    yield from _started(upstream, store_url=None, limits=_dollars(1.0), costs=COSTS)


async def test_a_stream_crossing_a_dollar_budget_ends_with_max_tokens(
    dollar_budgeted: Gateway,
) -> None:
    async with (
        anthropic.AsyncAnthropic(
            base_url=dollar_budgeted.url, api_key="sk-ant-usd-cut", max_retries=0
        ) as claude,
        claude.messages.stream(**MESSAGE | {"max_tokens": 8000}, extra_headers=LONG) as s,
    ):
        message = await s.get_final_message()
    assert message.stop_reason == "max_tokens"
    text = "".join(b.text for b in message.content if b.type == "text")
    assert 0 < len(text) <= 1000 * 4  # what $1 buys: at most a thousand tokens
    await asyncio.sleep(0.3)
    again = _anthropic(dollar_budgeted, "sk-ant-usd-cut")  # the dollar is spent
    assert again.status_code == 429
    assert "dollar budget exhausted" in again.json()["error"]["message"]


async def test_openai_streams_cut_at_a_dollar_budget_end_with_length(
    dollar_budgeted: Gateway,
) -> None:
    text, finish = await streamed_chat(dollar_budgeted, "sk-oai-usd-cut", LONG)
    assert finish == "length"
    assert 0 < len(text) <= 1000 * 4


def test_an_answer_the_budget_affords_is_not_cut(dollar_budgeted: Gateway) -> None:
    reply = _anthropic(dollar_budgeted, "sk-ant-usd-short", stream=True)
    assert reply.status_code == 200
    assert '"stop_reason":"end_turn"' in reply.text.replace(" ", "")


def test_a_model_without_a_price_is_not_held_to_a_dollar_budget(
    dollar_budgeted: Gateway,
) -> None:
    # Its cost is unknown (counted as unpriced): the stream is neither cut nor refused.
    reply = _chat(
        dollar_budgeted, "sk-oai-usd-unpriced", model="gpt-4.1", stream=True, headers=LONG
    )
    assert reply.status_code == 200
    assert '"finish_reason":"stop"' in reply.text.replace(" ", "")


async def test_cache_reads_and_writes_are_priced_at_the_list_prices(
    make_gateway: Callable[..., Gateway],
) -> None:
    gateway = make_gateway()  # the shipped list prices; the default SQLite event log
    cached = {"type": "ephemeral"}
    system = [
        {"type": "text", "text": "You are terse. " * 200, "cache_control": cached},
        {"type": "text", "text": "Project notes. " * 200, "cache_control": cached},
    ]
    reply = _anthropic(gateway, "sk-ant-cached", system=system, stream=True)
    assert reply.status_code == 200
    deadline = time.monotonic() + 10
    rows: list[dict[str, Any]] = []
    while not rows and time.monotonic() < deadline:
        rows = _spend(gateway, "by=model&model=claude-sonnet-4-6")["rows"]
        await asyncio.sleep(0.2)
    [row] = rows
    # The fake read the first part from the cache and wrote the second to it (5 minutes).
    read, written = row["cache_read_tokens"], row["cache_creation_tokens"]
    assert read > 0
    assert written > 0
    fresh, output = row["input_tokens"], row["output_tokens"]  # Anthropic's: cache apart
    expected = (fresh * 3 + read * 0.3 + written * 3.75 + output * 15) / 1e6
    assert row["cost_usd"] == pytest.approx(expected)
