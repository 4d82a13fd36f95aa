"""Policies applied through the admin API reach every worker without a restart."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import aiohttp

from sluice.store.policies import PolicyVersions
from tests.dataplane.test_reload import blocked
from tests.harness import Gateway

DENY_BASH = {"policies": [{"name": "tool_rules", "config": {"deny_tools": ["Bash"]}}]}


def api(gateway: Gateway) -> str:
    return f"http://127.0.0.1:{gateway.config['admin']['port']}/api/policies"


async def call(method: str, url: str, body: Any = None) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session, session.request(method, url, json=body) as r:
        return r.status, await r.json()


async def eventually_blocked(gateway: Gateway, want: bool) -> None:
    """Both workers, within 10 s (they poll the store every 2 s, each on its own clock):
    several requests at once, each balanced to either one, all agree."""
    deadline = time.monotonic() + 10
    while True:
        answers = await asyncio.gather(*(blocked(gateway) for _ in range(8)))
        if all(answer == want for answer in answers):
            return
        assert time.monotonic() < deadline, f"after 10 s, blocked: {answers}"
        await asyncio.sleep(0.1)


async def test_applied_policies_reach_every_worker_without_a_restart(
    make_gateway: Callable[..., Gateway],
) -> None:
    gateway = make_gateway(sidecar={"workers": 2})
    workers = gateway.worker_pids()
    assert len(workers) == 2
    assert not await blocked(gateway)

    status, body = await call("PUT", api(gateway), DENY_BASH | {"comment": "no shell"})
    assert status == 200, body
    version = body["version"]
    await eventually_blocked(gateway, True)

    status, audit = await call("GET", api(gateway) + "/versions")
    assert [v["comment"] for v in audit["versions"]] == ["no shell"]
    assert '"deny_tools"' in audit["versions"][0]["diff"]

    # A bad proposal is refused by the API; the running chains stay.
    bad = {"policies": [{"name": "tool_rules", "config": {"deny_tool": ["Bash"]}}]}
    status, body = await call("PUT", api(gateway), bad)
    assert status == 422
    assert "policies[0].config.deny_tool: Extra inputs are not permitted" in body["errors"]
    # A version that cannot build in the workers (written to the store directly) is refused
    # there, and logged, with the running chains kept.
    store_url = f"sqlite:///{gateway.config_path.parent / 'var' / 'sluice.db'}"
    versions = PolicyVersions.open(store_url)
    try:
        broken = await versions.append(
            action="apply", config=bad, author_role="admin", author_key=None
        )
    finally:
        await versions.aclose()
    await asyncio.sleep(2.5)
    await eventually_blocked(gateway, True)
    assert f"policy version {broken.id} refused" in gateway.log.read_text()

    status, body = await call("POST", api(gateway) + "/revert", {"to": "file"})
    assert status == 200, body
    await eventually_blocked(gateway, False)
    status, body = await call("POST", api(gateway) + "/revert", {"version": version["id"]})
    assert status == 200, body
    await eventually_blocked(gateway, True)
    assert gateway.worker_pids() == workers  # nothing restarted
    assert gateway.process.poll() is None
