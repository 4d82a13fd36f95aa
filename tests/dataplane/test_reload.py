"""Policy reload without restart: new requests follow the new chain, no stream is lost."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import Callable

import yaml

from sluice.model import Format
from tests.dataplane.clients import ask
from tests.harness import ROOT, Gateway

SUDO = json.dumps([{"name": "Bash", "arguments": {"command": "sudo reboot"}}])


async def blocked(gateway: Gateway) -> bool:
    reply = await ask(
        gateway.url, Format.ANTHROPIC, stream=True, script="tools", headers={"x-fake-tool": SUDO}
    )
    return "Sluice blocked a tool call." in reply.text


def rewrite_config(gateway: Gateway, **changes: object) -> None:
    config = yaml.safe_load(gateway.config_path.read_text()) | changes
    gateway.config_path.write_text(yaml.safe_dump(config))


async def test_reload_under_load_loses_no_stream(make_gateway: Callable[..., Gateway]) -> None:
    gateway = make_gateway(sidecar={"workers": 2})
    assert not await blocked(gateway)
    paced = {"x-fake-events": "40", "x-fake-pace-ms": "25"}
    streams = [
        asyncio.create_task(
            ask(gateway.url, Format.OPENAI_CHAT, stream=True, script="long", headers=paced)
        )
        for _ in range(20)
    ]
    await asyncio.sleep(0.3)
    rewrite_config(
        gateway,
        policy_paths=[str(ROOT / "examples" / "policies")],
        policies=[{"name": "no_sudo:NoSudo"}],
    )
    gateway.process.send_signal(signal.SIGHUP)
    replies = await asyncio.gather(*streams)
    assert all(reply.stop == "stop" and reply.text for reply in replies)
    assert await blocked(gateway)  # both workers reloaded: try a few requests
    assert all(await asyncio.gather(*(blocked(gateway) for _ in range(6))))


async def test_an_invalid_config_is_refused_and_the_old_chain_stays(
    make_gateway: Callable[..., Gateway],
) -> None:
    gateway = make_gateway(
        policy_paths=[str(ROOT / "examples" / "policies")],
        policies=[{"name": "no_sudo:NoSudo"}],
    )
    assert await blocked(gateway)
    rewrite_config(gateway, policies=[{"name": "no_sudo:NoSudo", "config": {"alow_users": []}}])
    gateway.process.send_signal(signal.SIGHUP)
    await asyncio.sleep(0.5)
    assert await blocked(gateway)
    assert "policy reload refused" in gateway.log.read_text()
    assert "alow_users: Extra inputs are not permitted" in gateway.log.read_text()


async def test_editing_the_config_file_reloads_without_a_signal(
    make_gateway: Callable[..., Gateway],
) -> None:
    gateway = make_gateway()
    assert not await blocked(gateway)
    rewrite_config(
        gateway,
        policy_paths=[str(ROOT / "examples" / "policies")],
        policies=[{"name": "no_sudo:NoSudo"}],
    )
    for _ in range(100):  # the workers look at the file every 2 s
        if await blocked(gateway):
            break
        await asyncio.sleep(0.1)
    assert await blocked(gateway)
    assert "policies reloaded" in gateway.log.read_text()
