"""Big bodies and many streams at once."""

from __future__ import annotations

import asyncio
import base64
import json

import aiohttp

from sluice.model import Format
from tests.dataplane.clients import ask
from tests.harness import FakeUpstream, Gateway


async def test_a_6_mb_request_body_reaches_the_provider_whole(
    gateway: Gateway, upstream: FakeUpstream
) -> None:
    upstream.clear()
    history = [
        {"role": role, "content": f"turn {i}: " + "x" * 60_000}
        for i, role in zip(range(100), ["user", "assistant"] * 50, strict=True)
    ]
    history.append({"role": "user", "content": "and now?"})
    body = json.dumps(
        {"model": "claude-sonnet-4-6", "max_tokens": 100, "stream": True, "messages": history}
    ).encode()
    assert len(body) > 6_000_000
    headers = {"anthropic-version": "2023-06-01", "content-type": "application/json"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{gateway.url}/v1/messages", data=body, headers=headers) as response,
    ):
        assert response.status == 200
        assert b"message_stop" in await response.read()
    [received] = upstream.requests()
    assert base64.b64decode(received["body_base64"]) == body


async def test_50_concurrent_streams_all_complete(gateway: Gateway) -> None:
    headers = {"x-fake-pace-ms": "5", "x-fake-events": "40"}
    formats = [Format.ANTHROPIC, Format.OPENAI_CHAT, Format.OPENAI_RESPONSES]
    replies = await asyncio.gather(
        *(
            ask(gateway.url, formats[i % 3], stream=True, script="long", headers=headers)
            for i in range(50)
        )
    )
    assert len(replies) == 50
    assert all(reply.text and reply.stop for reply in replies)
