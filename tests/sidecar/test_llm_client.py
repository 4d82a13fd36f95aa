"""The HTTP ModelClient against the in-process fake upstream (judge scripts), both APIs."""

from __future__ import annotations

import asyncio
import json
import re
from typing import TYPE_CHECKING, Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from sluice.fake_upstream import FakeUpstream
from sluice.policy import ModelEndpoint
from sluice.sidecar.llm_client import (
    HttpModelClient,
    ModelAnswerError,
    ModelClients,
    ModelConnectionError,
    ModelKeyError,
    ModelStatusError,
    model_client,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

KEY = "sk-test-0123456789"
SYSTEM = "You judge tool calls. Answer JSON."


@pytest.fixture
async def upstream() -> AsyncIterator[FakeUpstream]:
    async with FakeUpstream() as server:
        yield server


def endpoint(url: str, api: str = "openai", model: str = "judge", **fields: Any) -> ModelEndpoint:
    return ModelEndpoint.model_validate(
        {"api": api, "base_url": url, "api_key": KEY, "model": model, **fields}
    )


async def ask(point: ModelEndpoint, prompt: str = "Tool: Bash\n{}") -> str:
    async with HttpModelClient(point) as client:
        return await client.complete(SYSTEM, prompt)


@pytest.mark.parametrize("api", ["openai", "anthropic"])
@pytest.mark.parametrize(
    ("prompt", "verdict"),
    [('Tool: Bash {"command": "rm -rf /"}', "block"), ('Tool: Bash {"command": "ls"}', "allow")],
)
async def test_judge_answers(upstream: FakeUpstream, api: str, prompt: str, verdict: str) -> None:
    answer = await ask(endpoint(upstream.url, api), prompt)

    assert json.loads(answer)["verdict"] == verdict


async def test_openai_request(upstream: FakeUpstream) -> None:
    await ask(endpoint(upstream.url, "openai", max_tokens=300), "the prompt")

    sent = upstream.requests.last
    assert sent.path == "/v1/chat/completions"
    assert sent.header("authorization") == f"Bearer {KEY}"
    assert sent.header("x-api-key") is None
    assert sent.json() == {
        "model": "judge",
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": "the prompt"},
        ],
        "max_completion_tokens": 300,
    }


async def test_anthropic_request(upstream: FakeUpstream) -> None:
    await ask(endpoint(upstream.url, "anthropic"), "the prompt")

    sent = upstream.requests.last
    assert sent.path == "/v1/messages"
    assert sent.header("x-api-key") == KEY
    assert sent.header("anthropic-version") == "2023-06-01"
    assert sent.header("authorization") is None
    assert sent.json() == {
        "model": "judge",
        "max_tokens": 512,
        "system": SYSTEM,
        "messages": [{"role": "user", "content": "the prompt"}],
    }


@pytest.mark.parametrize(
    ("api", "model", "status", "message"),
    [
        ("openai", "judge_error", 500, "The server had an error while processing your request."),
        ("anthropic", "judge_error", 500, "Internal server error"),
        ("openai", "error_429", 429, "Rate limit reached"),
        ("anthropic", "error_529", 529, "Overloaded"),
    ],
)
async def test_error_status(
    upstream: FakeUpstream, api: str, model: str, status: int, message: str
) -> None:
    with pytest.raises(ModelStatusError) as caught:
        await ask(endpoint(upstream.url, api, model))

    assert caught.value.status == status
    assert caught.value.message.startswith(message)
    assert str(caught.value).startswith(f"{upstream.url}/v1/")
    assert KEY not in str(caught.value)


async def test_key_from_environment(
    upstream: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    point = endpoint(upstream.url, "anthropic", api_key=None, api_key_env="JUDGE_KEY")
    monkeypatch.setenv("JUDGE_KEY", "from-env")

    await ask(point)
    assert upstream.requests.last.header("x-api-key") == "from-env"

    monkeypatch.delenv("JUDGE_KEY")
    with pytest.raises(ModelKeyError, match="environment variable JUDGE_KEY"):
        await ask(point)


async def test_no_key_sends_no_credentials(upstream: FakeUpstream) -> None:
    point = ModelEndpoint.model_validate({"base_url": upstream.url, "model": "judge"})

    await ask(point)

    assert upstream.requests.last.header("authorization") is None


async def test_base_url_may_end_in_v1(upstream: FakeUpstream) -> None:
    await ask(endpoint(f"{upstream.url}/v1/"))

    assert upstream.requests.last.path == "/v1/chat/completions"


async def test_slow_endpoint_is_bounded_by_the_caller(upstream: FakeUpstream) -> None:
    client = model_client(endpoint(upstream.url, model="judge_slow"))
    fast = model_client(endpoint(upstream.url))
    assert isinstance(client, HttpModelClient)
    assert isinstance(fast, HttpModelClient)
    try:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(client.complete(SYSTEM, "ls"), 0.2)
        assert json.loads(await fast.complete(SYSTEM, "ls"))["verdict"] == "allow"
    finally:
        await client.aclose()
        await fast.aclose()


async def test_unreachable_endpoint() -> None:
    async with FakeUpstream() as gone:
        url = gone.url
    with pytest.raises(ModelConnectionError, match=f"cannot reach {url}/v1/chat/completions"):
        await ask(endpoint(url))


def _answering(status: int, body: str) -> web.Application:
    async def handle(request: web.Request) -> web.Response:
        return web.Response(status=status, text=body, content_type="application/json")

    app = web.Application()
    app.router.add_post("/v1/chat/completions", handle)
    app.router.add_post("/v1/messages", handle)
    return app


@pytest.mark.parametrize(
    ("api", "status", "body", "error", "message"),
    [
        (
            "openai",
            401,
            json.dumps({"error": {"message": f"Incorrect API key provided: {KEY}."}}),
            ModelStatusError,
            "answered 401: Incorrect API key provided: [key].",
        ),
        ("openai", 502, "<html>Bad gateway</html>", ModelStatusError, "502: <html>Bad gateway"),
        ("openai", 200, "not json", ModelAnswerError, "answered 200 with non-JSON"),
        ("openai", 200, '{"choices": []}', ModelAnswerError, "no choices[0].message"),
        (
            "openai",
            200,
            '{"choices": [{"message": {"content": null}, "finish_reason": "length"}]}',
            ModelAnswerError,
            "cut at max_tokens",
        ),
        (
            "openai",
            200,
            '{"choices": [{"message": {"content": null, "refusal": "no"}}]}',
            ModelAnswerError,
            "the model refused: no",
        ),
        (
            "anthropic",
            200,
            '{"content": [], "stop_reason": "max_tokens"}',
            ModelAnswerError,
            "cut at max_tokens",
        ),
        (
            "anthropic",
            200,
            '{"content": [{"type": "thinking", "thinking": "hm"}], "stop_reason": "end_turn"}',
            ModelAnswerError,
            "holds no text",
        ),
    ],
)
async def test_bad_answers(
    api: str, status: int, body: str, error: type[Exception], message: str
) -> None:
    async with TestServer(_answering(status, body)) as server:
        with pytest.raises(error, match=re.escape(message)) as caught:
            await ask(endpoint(str(server.make_url("")), api))

    assert KEY not in str(caught.value)


async def test_anthropic_text_blocks_are_joined() -> None:
    body = {"content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}
    async with TestServer(_answering(200, json.dumps(body))) as server:
        assert await ask(endpoint(str(server.make_url("")), "anthropic")) == "ab"


async def test_shared_clients(upstream: FakeUpstream) -> None:
    clients = ModelClients()
    one = clients(endpoint(upstream.url))

    assert clients(endpoint(upstream.url)) is one
    assert clients(endpoint(upstream.url, model="other")) is not one
    await one.complete(SYSTEM, "ls")
    await clients.aclose()
    assert isinstance(one, HttpModelClient)
    assert one._session is None
