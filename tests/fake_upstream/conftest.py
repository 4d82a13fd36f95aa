"""Fixtures for the fake upstream's tests: a served fake and the official SDKs pointed at it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import aiohttp
import anthropic
import openai
import pytest

from sluice.fake_upstream import FakeUpstream

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from multidict import CIMultiDictProxy

USER = [{"role": "user", "content": "Hello there"}]


@pytest.fixture
async def upstream() -> AsyncIterator[FakeUpstream]:
    async with FakeUpstream() as server:
        yield server


@pytest.fixture
async def claude(upstream: FakeUpstream) -> AsyncIterator[anthropic.AsyncAnthropic]:
    # No retries: an error script must surface at once, not after back-off.
    async with anthropic.AsyncAnthropic(
        base_url=upstream.url, api_key="test-key", max_retries=0
    ) as client:
        yield client


@pytest.fixture
async def gpt(upstream: FakeUpstream) -> AsyncIterator[openai.AsyncOpenAI]:
    async with openai.AsyncOpenAI(
        base_url=f"{upstream.url}/v1", api_key="test-key", max_retries=0
    ) as client:
        yield client


async def post(
    upstream: FakeUpstream,
    path: str,
    body: dict[str, Any] | bytes,
    headers: dict[str, str] | None = None,
) -> tuple[int, CIMultiDictProxy[str], bytes]:
    """POST raw, below any SDK: status, headers and body bytes as the fake sent them."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"content-type": "application/json", **(headers or {})}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{upstream.url}{path}", data=data, headers=headers) as response,
    ):
        return response.status, response.headers, await response.read()


def sse(raw: bytes) -> list[tuple[str | None, str]]:
    """``(event, data)`` pairs of a stream written with ``\n`` line ends."""
    events = []
    for frame in raw.decode().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in frame.splitlines() if line)
        if fields:
            events.append((fields.get("event"), fields["data"]))
    return events
