"""A request hook slower than Envoy's message timeout is decided by its own policy.

Envoy gives the sidecar ``sidecar.message_timeout_ms`` (5 s) to answer a message; a request
hook may take its policy's ``timeout_s``. While one runs, the sidecar extends the deadline
(``override_message_timeout``), so what happens to a 7-second hook is what its policy says:
it finishes, or its ``on_error`` refuses or lets the request go. Never Envoy's 503 (failure
mode closed) nor the request forwarded unchecked (failure mode open).
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator
from typing import Any

import anthropic
import pytest

from tests.dataplane.clients import anthropic_client
from tests.dataplane.conftest import track
from tests.harness import ROOT, FakeUpstream, Gateway, gateway_config, short_tempdir, start_gateway

SLOW = "tests.sidecar.policies_for_tests:SlowRequest"  # 7 s, then max_tokens 100


def slow(**config: object) -> list[dict[str, Any]]:
    return [{"name": SLOW, "config": {"sleep_s": 7, **config}}]


CHAINS = {
    "in_time": slow(timeout_s=12),
    "late_block": slow(timeout_s=6, on_error="block"),
    "late_allow": slow(timeout_s=6, on_error="allow"),
}


@pytest.fixture(scope="module", params=["closed", "open"])
def gateway_with_slow_hooks(
    request: pytest.FixtureRequest, upstream: FakeUpstream
) -> Iterator[Gateway]:
    with short_tempdir() as base:
        config = gateway_config(
            upstream.url,
            base / "run",
            policy_paths=[str(ROOT)],
            chains=CHAINS,
            chain_header={"enabled": True},
            sidecar={
                "socket_dir": str(base / "run"),
                "workers": 1,
                "message_timeout_ms": 5000,
                "failure_mode": request.param,
            },
        )
        with track(start_gateway(base, config)) as gateway:
            yield gateway


async def ask(gateway: Gateway, chain: str, marker: str) -> anthropic.types.Message:
    async with anthropic_client(gateway.url) as client:
        return await client.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=4000,
            messages=[{"role": "user", "content": marker}],
            extra_headers={"x-sluice-chain": chain, "x-fake-script": "text"},
        )


def sent_upstream(upstream: FakeUpstream, marker: str) -> list[dict[str, Any]]:
    bodies = [json.loads(base64.b64decode(r["body_base64"])) for r in upstream.requests()]
    return [b for b in bodies if json.dumps(b).count(marker)]


async def test_the_policy_decides_a_slow_request_hook(
    gateway_with_slow_hooks: Gateway, upstream: FakeUpstream
) -> None:
    mode = gateway_with_slow_hooks.config["sidecar"]["failure_mode"]
    in_time, late_block, late_allow = await asyncio.gather(
        ask(gateway_with_slow_hooks, "in_time", f"in-time-{mode}"),
        ask(gateway_with_slow_hooks, "late_block", f"late-block-{mode}"),
        ask(gateway_with_slow_hooks, "late_allow", f"late-allow-{mode}"),
        return_exceptions=True,
    )
    # In time: the hook ran to its end after 7 s and its edit went to the provider.
    assert isinstance(in_time, anthropic.types.Message), in_time
    [body] = sent_upstream(upstream, f"in-time-{mode}")
    assert body["max_tokens"] == 100
    # Late, on_error block: refused by the gateway, in Anthropic's format, never sent.
    assert isinstance(late_block, anthropic.BadRequestError), late_block
    assert "could not check this request (timed out)" in late_block.message
    assert sent_upstream(upstream, f"late-block-{mode}") == []
    # Late, on_error allow: sent unchanged after the policy's 6 s.
    assert isinstance(late_allow, anthropic.types.Message), late_allow
    [body] = sent_upstream(upstream, f"late-allow-{mode}")
    assert body["max_tokens"] == 4000
