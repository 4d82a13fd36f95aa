"""Malformed request bodies get a 400 in the client's format naming the problem, through real
Envoy and the sidecar: never ``internal error``, never a 500."""

from __future__ import annotations

import json

import aiohttp
import pytest

from sluice.model import Format
from tests.harness import Gateway

PATHS = {
    Format.ANTHROPIC: "/v1/messages",
    Format.OPENAI_CHAT: "/v1/chat/completions",
    Format.OPENAI_RESPONSES: "/v1/responses",
}
DEEP = b'{"model":"m","max_tokens":5,"messages":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
SURROGATE = b'{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"\\ud800"}]}'
BODIES = {
    "nested 100,000 deep": (DEEP, "nested too deeply (depth limit)"),
    "a lone escaped surrogate": (SURROGATE, "invalid Unicode"),
}
WRONG_TYPE = {
    Format.ANTHROPIC: (b'{"model":"m","max_tokens":5,"messages":"hi"}', "messages: expected"),
    Format.OPENAI_CHAT: (b'{"model":"m","messages":{"role":"user"}}', "messages: expected"),
    Format.OPENAI_RESPONSES: (b'{"model":"m","input":5}', "input: expected"),
}


async def post(gateway: Gateway, fmt: Format, body: bytes) -> tuple[int, dict[str, object]]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            gateway.url + PATHS[fmt],
            data=body,
            headers={"content-type": "application/json", "x-api-key": "sk-ant-test"},
        ) as response,
    ):
        return response.status, json.loads(await response.read())


def message(error: dict[str, object]) -> str:
    """The error's message, from Anthropic's or OpenAI's error shape."""
    inner = error["error"]
    assert isinstance(inner, dict)
    if "type" in error:  # Anthropic: {"type": "error", "error": {...}}
        assert error["type"] == "error"
    assert inner["type"] == "invalid_request_error"
    return str(inner["message"])


@pytest.mark.parametrize("fmt", list(Format))
@pytest.mark.parametrize("case", [*BODIES, "a wrong type"])
async def test_a_malformed_body_is_a_400_naming_the_problem(
    gateway: Gateway, fmt: Format, case: str
) -> None:
    body, problem = WRONG_TYPE[fmt] if case == "a wrong type" else BODIES[case]
    status, error = await post(gateway, fmt, body)
    assert status == 400
    assert problem in message(error)
    assert "internal" not in message(error)
