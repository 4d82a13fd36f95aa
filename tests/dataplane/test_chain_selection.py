"""Chains chosen per team and, for testing only, by a request header the config enables."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from sluice.model import Format
from tests.dataplane.clients import ask
from tests.harness import ROOT, Gateway

SUDO = json.dumps([{"name": "Bash", "arguments": {"command": "sudo reboot"}}])
STRICT = {
    "policy_paths": [str(ROOT / "examples" / "policies")],
    "chains": {"strict": [{"name": "no_sudo:NoSudo"}]},
}


async def blocked(gateway: Gateway, headers: dict[str, str]) -> bool:
    reply = await ask(
        gateway.url,
        Format.OPENAI_CHAT,
        stream=True,
        script="tools",
        headers={"x-fake-tool": SUDO, **headers},
    )
    return "Sluice blocked a tool call." in reply.text


@pytest.mark.parametrize("enabled", [True, False])
async def test_chain_header_works_only_when_enabled(
    make_gateway: Callable[..., Gateway], enabled: bool
) -> None:
    gateway = make_gateway(**STRICT, chain_header={"enabled": enabled})
    assert not await blocked(gateway, {})
    assert await blocked(gateway, {"x-sluice-chain": "strict"}) == enabled


async def test_team_header_selects_a_chain(make_gateway: Callable[..., Gateway]) -> None:
    gateway = make_gateway(
        **STRICT, team_header="x-team", select=[{"team": "security", "chain": "strict"}]
    )
    assert await blocked(gateway, {"x-team": "security"})
    assert not await blocked(gateway, {"x-team": "web"})
