from __future__ import annotations

import textwrap
from itertools import takewhile
from typing import Any

import pytest
import yaml

from sluice.hooks import RequestHook
from sluice.model import Format
from sluice.policies import request_limits
from sluice.policies.request_limits import RequestLimits
from sluice.policy import PolicyError
from tests.policies.factories import anthropic_body, request_hook

CHAT = {"model": "gpt-5", "messages": [{"role": "user", "content": "hi"}]}
RESPONSES = {"model": "gpt-5", "input": "hi"}
TOOL = {"name": "t", "input_schema": {"type": "object"}}


async def run(config: dict[str, Any], hook: RequestHook) -> RequestHook:
    policy = RequestLimits.configure(config)
    assert isinstance(policy, RequestLimits)
    await policy.request(hook)
    return hook


def test_handles_requests_only_when_limiting() -> None:
    assert RequestLimits.declared_hooks() == {"request"}
    assert RequestLimits.configure({}).hooks() == set()
    assert RequestLimits.configure({"max_tokens_action": "refuse"}).hooks() == set()
    assert RequestLimits.configure({"max_tools": 10}).hooks() == {"request"}


@pytest.mark.parametrize(
    ("config", "model", "refusal"),
    [
        ({"allowed_models": ["claude-*"]}, "claude-sonnet-4-6", None),
        (
            {"allowed_models": ["claude-*", "gpt-5*"]},
            "gemini-3-pro",
            "The model gemini-3-pro is not allowed by this gateway (allowed: claude-*, gpt-5*)",
        ),
        ({"denied_models": ["*opus*"]}, "claude-opus-4-6", "The model claude-opus-4-6 is not"),
        ({"denied_models": ["*opus*"]}, "Claude-OPUS-4-6", "The model Claude-OPUS-4-6 is not"),
        ({"denied_models": ["*opus*"]}, "claude-sonnet-4-6", None),
        ({"allowed_models": ["CLAUDE-*"]}, "claude-haiku-4-5", None),
        (
            {"allowed_models": ["claude-*"], "denied_models": ["claude-opus-*"]},
            "claude-opus-4",
            "The model claude-opus-4 is not allowed by this gateway",
        ),
    ],
)
async def test_models(config: dict[str, Any], model: str, refusal: str | None) -> None:
    hook = await run(config, request_hook(anthropic_body(model=model)))
    if refusal is None:
        assert hook.refused is None
    else:
        assert hook.refused is not None
        assert hook.refused.startswith(refusal)


async def test_a_request_without_a_model() -> None:
    body = anthropic_body()
    del body["model"]
    hook = await run({"allowed_models": ["claude-*"]}, request_hook(body))
    assert hook.refused == "The request names no model; this gateway allows claude-*"
    assert (await run({"denied_models": ["x"]}, request_hook(body))).refused is None


@pytest.mark.parametrize(
    ("fmt", "body", "config", "key", "expected"),
    [
        # Lowered to the cap, under the key the format and the client use.
        (Format.ANTHROPIC, anthropic_body(max_tokens=32000), {}, "max_tokens", 4096),
        (Format.ANTHROPIC, anthropic_body(max_tokens=1000), {}, "max_tokens", 1000),
        (
            Format.OPENAI_CHAT,
            CHAT | {"max_completion_tokens": 9000},
            {},
            "max_completion_tokens",
            4096,
        ),
        (Format.OPENAI_CHAT, CHAT | {"max_tokens": 9000}, {}, "max_tokens", 4096),
        (
            Format.OPENAI_RESPONSES,
            RESPONSES | {"max_output_tokens": 9000},
            {},
            "max_output_tokens",
            4096,
        ),
        # No cap asked: none added where the format needs none...
        (Format.OPENAI_CHAT, CHAT, {}, "max_completion_tokens", None),
        (Format.OPENAI_RESPONSES, RESPONSES, {}, "max_output_tokens", None),
        # ...and the cap where it needs one (the provider would refuse the request).
        (Format.ANTHROPIC, {"model": "m", "messages": []}, {}, "max_tokens", 4096),
        (
            Format.ANTHROPIC,
            {"model": "m", "messages": []},
            {"max_tokens_action": "refuse"},
            "max_tokens",
            4096,
        ),
    ],
)
async def test_max_tokens_rewrite(
    fmt: Format, body: dict[str, Any], config: dict[str, Any], key: str, expected: int | None
) -> None:
    hook = await run({"max_tokens": 4096} | config, request_hook(body, fmt))
    assert hook.refused is None
    assert hook.exchange.request.body.get(key) == expected


@pytest.mark.parametrize(("asked", "refused"), [(4096, False), (4097, True)])
async def test_max_tokens_refuse(asked: int, refused: bool) -> None:
    config = {"max_tokens": 4096, "max_tokens_action": "refuse"}
    hook = await run(config, request_hook(anthropic_body(max_tokens=asked)))
    if refused:
        assert hook.refused == (
            "The request asks for up to 4097 output tokens; this gateway allows at most 4096"
        )
    else:
        assert hook.refused is None
    assert hook.exchange.request.body["max_tokens"] == asked  # never rewritten


@pytest.mark.parametrize(
    ("config", "body", "refusal"),
    [
        ({"max_messages": 2}, anthropic_body(), None),
        (
            {"max_messages": 2},
            anthropic_body(messages=[{"role": "user", "content": "x"}] * 3),
            "The conversation has 3 messages; this gateway allows at most 2",
        ),
        ({"max_tools": 2}, anthropic_body(tools=[TOOL, TOOL]), None),
        (
            {"max_tools": 2},
            anthropic_body(tools=[TOOL] * 3),
            "The request offers 3 tools; this gateway allows at most 2",
        ),
        ({"max_body_bytes": 10_000}, anthropic_body(), None),
        ({"max_body_bytes": 10}, anthropic_body(), "The request body has "),
    ],
)
async def test_sizes(config: dict[str, Any], body: dict[str, Any], refusal: str | None) -> None:
    hook = await run(config, request_hook(body))
    if refusal is None:
        assert hook.refused is None
    else:
        assert hook.refused is not None
        assert hook.refused.startswith(refusal)


async def test_a_refused_request_is_not_rewritten() -> None:
    config = {"max_tokens": 10, "denied_models": ["*"]}
    hook = await run(config, request_hook(anthropic_body(max_tokens=1000)))
    assert hook.refused is not None
    assert hook.exchange.request.body["max_tokens"] == 1000


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"max_tokens": 0}, "max_tokens: Input should be greater than 0"),
        (
            {"max_tokens_action": "clamp"},
            "max_tokens_action: Input should be 'rewrite' or 'refuse'",
        ),
        ({"max_token": 5}, "max_token: Extra inputs are not permitted"),
        ({"allowed_models": "claude-*"}, "allowed_models: Input should be a valid list"),
    ],
)
def test_bad_config_names_the_key(config: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyError, match="request_limits") as raised:
        RequestLimits.configure(config, name="request_limits")
    assert message in str(raised.value)


async def test_documented_config_works() -> None:
    block = (request_limits.__doc__ or "").split("In the gateway config::\n\n", 1)[1]
    lines = takewhile(lambda line: not line or line.startswith("    "), block.splitlines())
    (entry,) = yaml.safe_load(textwrap.dedent("\n".join(lines)))["policies"]
    assert entry["name"] == "request_limits"
    hook = await run(entry["config"], request_hook(anthropic_body(model="claude-opus-4-6")))
    assert hook.refused is not None
