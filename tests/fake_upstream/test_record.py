"""What the fake received, in-process and over HTTP."""

from __future__ import annotations

import json

import aiohttp
import pytest

from sluice.fake_upstream import REQUEST_LOG, FakeUpstream, RecordedRequest, RequestLog

from .conftest import USER, post


async def test_requests_are_recorded_byte_for_byte(upstream: FakeUpstream) -> None:
    body = b'{"model": "text", "max_tokens": 5,   "messages": [{"role": "user", "content": "hi"}]}'
    await post(upstream, "/v1/messages?beta=true", body, {"x-api-key": "sk-test"})

    last = upstream.requests.last
    assert last is upstream.app[REQUEST_LOG].last
    assert (last.method, last.path, last.body) == ("POST", "/v1/messages?beta=true", body)
    assert last.header("X-API-KEY") == "sk-test"
    assert last.json()["max_tokens"] == 5


async def test_refused_requests_are_recorded_too(upstream: FakeUpstream) -> None:
    await post(upstream, "/v1/chat/completions", b"not json")

    assert upstream.requests.last.body == b"not json"


async def test_over_http(upstream: FakeUpstream) -> None:
    await post(upstream, "/v1/messages", {"model": "text", "max_tokens": 5, "messages": USER})
    async with aiohttp.ClientSession(base_url=upstream.url) as session:
        async with session.get("/_fake/requests") as response:
            listed = await response.json()
        async with session.delete("/_fake/requests") as response:
            assert response.status == 204
        async with session.get("/_fake/requests") as response:
            assert await response.json() == []

    [entry] = listed  # the /_fake/ calls themselves are not recorded
    assert entry["path"] == "/v1/messages"
    assert entry["headers"]["content-type"] == "application/json"
    assert json.loads(entry["body"])["model"] == "text"
    assert len(upstream.requests) == 0


async def test_probe(upstream: FakeUpstream) -> None:
    async with aiohttp.ClientSession(base_url=upstream.url) as session:
        for method in ("HEAD", "GET"):
            async with session.request(method, "/") as response:
                assert (response.status, await response.read()) == (200, b"")
    assert [request.method for request in upstream.requests] == ["HEAD", "GET"]


def test_json_form_joins_repeated_headers() -> None:
    headers = (("X-Fake-Tool", "a"), ("x-fake-tool", "b"), ("Host", "h"))
    entry = RecordedRequest("GET", "/", headers, b"\xff")

    assert entry.to_json() == {
        "method": "GET",
        "path": "/",
        "headers": {"x-fake-tool": "a, b", "host": "h"},
        "body": "\ufffd",
        "body_base64": "/w==",
    }


def test_log_keeps_the_last_requests() -> None:
    log = RequestLog(capacity=2)
    for number in range(3):
        log.append(RecordedRequest("POST", f"/{number}", (), b""))

    assert [request.path for request in log] == ["/1", "/2"]


def test_empty_log_says_so() -> None:
    with pytest.raises(LookupError, match="no request"):
        _ = RequestLog().last
