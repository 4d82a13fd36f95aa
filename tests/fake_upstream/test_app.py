"""The application around the wire formats: hang-ups, big bodies, compression, 404s."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING

import aiohttp
import pytest

from .conftest import USER, post, sse

if TYPE_CHECKING:
    from sluice.fake_upstream import FakeUpstream


async def test_a_client_hanging_up_mid_stream_is_not_an_error(
    upstream: FakeUpstream, caplog: pytest.LogCaptureFixture
) -> None:
    body = {"model": "long", "max_tokens": 100, "stream": True, "messages": USER}
    async with aiohttp.ClientSession() as session:
        response = await session.post(
            f"{upstream.url}/v1/messages", json=body, headers={"x-fake-pace-ms": "5"}
        )
        await response.content.readany()
        response.close()  # as a gateway does when it blocks a stream
    await asyncio.sleep(0.1)  # let the server try to write to the closed connection

    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []
    status, _, _ = await post(upstream, "/v1/messages", {**body, "stream": False})
    assert status == 200


async def test_multi_megabyte_bodies_are_accepted(upstream: FakeUpstream) -> None:
    messages = [{"role": "user", "content": "x" * (5 * 1024 * 1024)}]
    status, _, _ = await post(
        upstream, "/v1/messages", {"model": "text", "max_tokens": 10, "messages": messages}
    )

    assert status == 200


@pytest.mark.parametrize(
    ("accept", "encoding"), [("gzip, deflate, br", "gzip"), ("identity", None)]
)
async def test_json_replies_are_gzipped_when_accepted(
    upstream: FakeUpstream, accept: str, encoding: str | None
) -> None:
    body = {"model": "text", "max_tokens": 10, "messages": USER}
    status, headers, raw = await post(upstream, "/v1/messages", body, {"accept-encoding": accept})

    assert status == 200
    assert headers.get("content-encoding") == encoding
    assert json.loads(raw)["type"] == "message"  # aiohttp's client decompressed it


async def test_streams_are_never_compressed(upstream: FakeUpstream) -> None:
    body = {"model": "text", "max_tokens": 10, "messages": USER, "stream": True}
    _, headers, _ = await post(upstream, "/v1/messages", body, {"accept-encoding": "gzip"})

    assert "content-encoding" not in headers


@pytest.mark.parametrize(
    ("headers", "error"),
    [
        (
            {"anthropic-version": "2023-06-01"},
            {"type": "error", "error": {"type": "not_found_error", "message": "Not Found"}},
        ),
        (
            {"authorization": "Bearer sk-test"},
            {
                "error": {
                    "message": "Invalid URL (GET /v1/nowhere)",
                    "type": "invalid_request_error",
                    "param": None,
                    "code": None,
                }
            },
        ),
    ],
)
async def test_unknown_paths_get_a_json_404(
    upstream: FakeUpstream, headers: dict[str, str], error: dict[str, object]
) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{upstream.url}/v1/nowhere", headers=headers) as response,
    ):
        body = await response.json()

    assert response.status == 404
    body.pop("request_id", None)
    assert body == error


async def test_the_same_request_gets_the_same_reply(upstream: FakeUpstream) -> None:
    body = {"model": "tools", "max_tokens": 10, "messages": USER, "stream": True}
    first, again, other = [
        await post(upstream, "/v1/messages", request)
        for request in (body, body, {**body, "max_tokens": 11})
    ]

    assert first[1]["request-id"] == again[1]["request-id"] != other[1]["request-id"]
    assert first[2] == again[2]  # ids included: byte-comparable through a gateway
    assert _tool_ids(first[2]).isdisjoint(_tool_ids(other[2]))


def _tool_ids(stream: bytes) -> set[str]:
    starts = [json.loads(data) for name, data in sse(stream) if name == "content_block_start"]
    return {start["content_block"]["id"] for start in starts if "id" in start["content_block"]}
