"""A finished exchange is freed by reference counting alone: nothing it built is left in a
reference cycle for the garbage collector, whose passes a busy worker would otherwise pay
for on every few streams (and, when the heap is large, a full pass of tens of milliseconds)."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from typing import Any

import pytest

from sluice.config import GatewayConfig
from sluice.model import Format
from sluice.sidecar.chains import ChainSet
from sluice.sidecar.exchange import Continue, Exchange
from sluice.sidecar.llm_client import ModelClients
from sluice.sidecar.routes import RouteTable
from tests.sidecar.formats.recorded_streams import recording

USER = [{"role": "user", "content": "hi"}]
CASES: dict[Format, tuple[str, str, dict[str, Any]]] = {
    # Where the request goes, the recorded answer with a tool call, the request.
    Format.ANTHROPIC: (
        "/v1/messages",
        "anthropic_thinking_tools",
        {"model": "claude-sonnet-4-6", "max_tokens": 100, "stream": True, "messages": USER},
    ),
    Format.OPENAI_CHAT: (
        "/v1/chat/completions",
        "openai_chat_tools",
        {"model": "gpt-5", "stream": True, "messages": USER},
    ),
    Format.OPENAI_RESPONSES: (
        "/v1/responses",
        "openai_responses_reasoning_tools",
        {"model": "gpt-5", "stream": True, "input": "hi"},
    ),
}
CHAINS = {
    "tool_rules": [{"name": "tool_rules"}],
    "redact": [{"name": "redact"}],  # text read as it streams
}


@pytest.fixture
def collector_off() -> Iterator[None]:
    """No collection but the test's own: what is left in a cycle stays to be found."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.set_debug(0)
        gc.enable()
        gc.collect()


async def _stream(fmt: Format, policies: list[dict[str, Any]]) -> None:
    path, name, request = CASES[fmt]
    config = GatewayConfig.model_validate({"policies": policies, "store_url": None})
    exchange = Exchange(ChainSet(config, ModelClients()))
    await exchange.on_request_headers(RouteTable(config.routes), {":path": path})
    assert isinstance(await exchange.on_request_body(json.dumps(request).encode()), Continue)
    exchange.on_response_headers(200, "text/event-stream")
    stream = recording(name).data
    half = len(stream) // 2  # cut inside the stream: what is held waits across chunks
    sent = [out async for out in exchange.on_response_chunk(stream[:half], False)]
    sent += [out async for out in exchange.on_response_chunk(stream[half:], True)]
    assert b"".join(sent)


@pytest.mark.parametrize("fmt", list(CASES))
@pytest.mark.parametrize("chain", list(CHAINS))
@pytest.mark.usefixtures("collector_off")
async def test_an_exchange_leaves_nothing_for_the_garbage_collector(
    fmt: Format, chain: str
) -> None:
    await _stream(fmt, CHAINS[chain])  # the first builds what is cached for good
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection finds unreachable stays in gc.garbage
    await _stream(fmt, CHAINS[chain])
    gc.collect()
    left = [o for o in gc.garbage if type(o).__module__.startswith("sluice")]
    gc.garbage.clear()
    assert sorted({type(o).__qualname__ for o in left}) == []
