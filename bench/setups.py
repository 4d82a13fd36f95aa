"""The systems under test, each started fresh: direct, plain Envoy, Envoy + sidecar."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sluice.config import GatewayConfig
from sluice.envoy import envoy_binary, render_bootstrap
from sluice.envoy.bootstrap import EXT_PROC_FILTER, SIDECAR_CLUSTER
from tests.harness import (
    FakeUpstream,
    gateway_config,
    short_tempdir,
    start_fake_upstream,
    start_gateway,
)

__all__ = ["Setup", "direct", "echo", "keyed", "plain_envoy", "side_by_side", "sidecar"]


@dataclass
class Setup:
    """A running system: where to send requests and what to read its costs from."""

    name: str
    url: str
    admin_url: str | None = None
    sidecar_pids: list[int] = field(default_factory=list)
    writer_pid: int | None = None  # the event-log writer, when the store is on
    headers: dict[str, str] = field(default_factory=dict)  # sent with every request (a key)
    gateway_pid: int | None = None  # ``sluice run``: Envoy, the workers and the writer below it
    sockets: list[Path] = field(default_factory=list)  # the sidecar workers' gRPC sockets

    def sidecar_cpu_ns(self) -> int:
        """CPU time used so far by every thread of every sidecar worker, in ns."""
        return _cpu_ns(self.sidecar_pids)

    def writer_cpu_ns(self) -> int:
        """CPU time used so far by the event-log writer process, in ns."""
        return _cpu_ns([self.writer_pid] if self.writer_pid else [])

    def pin(self, cores: set[int], workers_only: bool = False) -> None:
        """Run every thread of the gateway's processes on ``cores`` only (threads started
        later inherit it); with ``workers_only``, only the sidecar workers'."""
        assert self.gateway_pid is not None, "only a gateway started by the bench is pinned"
        for pid in self.sidecar_pids if workers_only else _process_tree(self.gateway_pid):
            for task in Path(f"/proc/{pid}/task").iterdir():
                os.sched_setaffinity(int(task.name), cores)

    def ext_proc_messages(self) -> int:
        """ext_proc messages Envoy sent to the sidecar so far."""
        if self.admin_url is None:
            return 0
        url = f"{self.admin_url}/stats?format=json&filter=ext_proc.stream_msgs_sent$"
        with urllib.request.urlopen(url) as response:
            stats = json.load(response)["stats"]
        return sum(int(s["value"]) for s in stats)


def _process_tree(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            pids.extend(_process_tree(int(child)))
    return pids


def _cpu_ns(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        for task in Path(f"/proc/{pid}/task").iterdir():
            total += int((task / "schedstat").read_text().split()[0])
    return total


@contextmanager
def direct(upstream: FakeUpstream) -> Iterator[Setup]:
    yield Setup("direct", upstream.url)


def _config(upstream: FakeUpstream, workdir: Path, workers: int, **extra: Any) -> dict[str, Any]:
    return gateway_config(upstream.url, workdir / "run", workers=workers, **extra)


@contextmanager
def plain_envoy(upstream: FakeUpstream, workdir: Path) -> Iterator[Setup]:
    """The same bootstrap with the ext_proc filter and its cluster taken out."""
    workdir.mkdir(parents=True, exist_ok=True)
    raw = _config(upstream, workdir, 1)
    bootstrap = render_bootstrap(GatewayConfig.model_validate(raw))
    hcm = bootstrap["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]
    filters = hcm["typed_config"]["http_filters"]
    hcm["typed_config"]["http_filters"] = [f for f in filters if f["name"] != EXT_PROC_FILTER]
    clusters = bootstrap["static_resources"]["clusters"]
    bootstrap["static_resources"]["clusters"] = [
        c for c in clusters if c["name"] != SIDECAR_CLUSTER
    ]
    for route in hcm["typed_config"]["route_config"]["virtual_hosts"][0]["routes"]:
        route.pop("typed_per_filter_config", None)
    path = workdir / "plain-envoy.json"
    path.write_text(json.dumps(bootstrap))
    log = (workdir / "plain-envoy.log").open("wb")
    process = subprocess.Popen(
        [str(envoy_binary()), "-c", str(path), "--concurrency", "1", "-l", "warning"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    admin = f"http://127.0.0.1:{bootstrap['admin']['address']['socket_address']['port_value']}"
    _wait_ready(admin)
    listener = raw["listener"]
    try:
        yield Setup("envoy", f"http://127.0.0.1:{listener['port']}", admin)
    finally:
        process.terminate()
        process.wait()


@contextmanager
def echo(upstream: FakeUpstream, workdir: Path) -> Iterator[Setup]:
    """The sidecar's bootstrap, a bare ext_proc echo servicer (``bench.echo``) in the
    sidecar's place: the floor of what an ext_proc server costs on the same load."""
    workdir.mkdir(parents=True, exist_ok=True)
    raw = _config(upstream, workdir, 1)
    config = GatewayConfig.model_validate(raw)
    [socket_path] = config.sidecar.socket_paths()
    socket_path.parent.mkdir(parents=True, exist_ok=True)
    servicer = subprocess.Popen(
        [sys.executable, "-m", "bench.echo", "--address", f"unix:{socket_path}"],
        stdout=subprocess.PIPE,
    )
    assert servicer.stdout is not None
    servicer.stdout.readline()  # "echo: listening"
    path = workdir / "echo-envoy.json"
    bootstrap = render_bootstrap(config)
    path.write_text(json.dumps(bootstrap))
    log = (workdir / "echo-envoy.log").open("wb")
    envoy = subprocess.Popen(
        [str(envoy_binary()), "-c", str(path), "--concurrency", "1", "-l", "warning"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    admin = f"http://127.0.0.1:{bootstrap['admin']['address']['socket_address']['port_value']}"
    try:
        _wait_ready(admin)
        port = raw["listener"]["port"]
        yield Setup("echo", f"http://127.0.0.1:{port}", admin, [servicer.pid])
    finally:
        for process in (envoy, servicer):
            process.terminate()
            process.wait()


@contextmanager
def sidecar(
    upstream: FakeUpstream, workdir: Path, workers: int, name: str = "", **extra: Any
) -> Iterator[Setup]:
    """``sluice run`` with ``workers`` workers; ``extra`` config (e.g. ``policies``)."""
    workdir.mkdir(parents=True, exist_ok=True)
    gateway = start_gateway(workdir, _config(upstream, workdir, workers, **extra))
    try:
        name = name or ("sidecar" if workers == 1 else f"sidecar x{workers}")
        yield Setup(
            name,
            gateway.url,
            gateway.admin_url,
            gateway.worker_pids(),
            gateway.event_log_pid(),
            gateway_pid=gateway.process.pid,
            sockets=GatewayConfig.model_validate(gateway.config).sidecar.socket_paths(),
        )
    finally:
        gateway.stop()


@contextmanager
def side_by_side(
    chains: list[tuple[str, list[dict[str, Any]]]],
    pin: Literal["gateways", "workers"] | None = None,
    **extra: Any,
) -> Iterator[list[Setup]]:
    """A gateway of one worker for each of ``chains`` (name, policies), all in front of one
    fake upstream; ``extra`` config for each. ``pin``: each gateway's processes (or only
    its worker) on the last core, this process and what it starts after (the upstream, a
    load) on the others."""
    cores = sorted(os.sched_getaffinity(0))
    if pin is not None:
        if len(cores) < 2:
            raise SystemExit("pinning needs two cores: the gateways on one, the load on another")
        os.sched_setaffinity(0, set(cores[:-1]))  # the upstream inherits it
    with short_tempdir() as workdir:
        upstream = start_fake_upstream(workdir)
        try:
            with ExitStack() as stack:
                setups = [
                    stack.enter_context(
                        sidecar(upstream, workdir / name, 1, name=name, policies=chain, **extra)
                    )
                    for name, chain in chains
                ]
                if pin is not None:
                    for setup in setups:
                        setup.pin({cores[-1]}, workers_only=pin == "workers")
                yield setups
        finally:
            upstream.stop()


def _wait_ready(admin_url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{admin_url}/ready") as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise TimeoutError("envoy not ready")


@contextmanager
def keyed(
    upstream: FakeUpstream, workdir: Path, name: str, *, keys: bool, **extra: Any
) -> Iterator[Setup]:
    """One worker holding the providers' keys: in ``keys`` mode with a Sluice key the load
    sends, else in passthrough mode (``allow_anonymous``), the clients' keys unchecked."""
    workdir.mkdir(parents=True, exist_ok=True)
    provider_key = workdir / "provider.key"
    provider_key.write_text("sk-provider-bench\n")
    held = {"secret": {"file": str(provider_key)}}
    providers = {p: {"base_url": upstream.url, "api_key": held} for p in ("anthropic", "openai")}
    auth = {"mode": "keys"} if keys else {"allow_anonymous": True}
    config = _config(upstream, workdir, 1, providers=providers, auth=auth, **extra)
    gateway = start_gateway(workdir, config)
    try:
        headers = {"x-api-key": "sk-ant-bench-client"}
        if keys:
            database = workdir / "var" / "sluice.db"
            headers = {"x-api-key": asyncio.run(_issue_key(f"sqlite:///{database}"))}
            _wait_accepted(gateway.url, headers)
        yield Setup(
            name,
            gateway.url,
            gateway.admin_url,
            gateway.worker_pids(),
            gateway.event_log_pid(),
            headers,
        )
    finally:
        gateway.stop()


async def _issue_key(store_url: str) -> str:
    from sluice.schema import create_engine
    from sluice.store.keys import create_key

    engine = create_engine(store_url)
    try:
        _, key = await create_key(engine, "bench", team="bench")
    finally:
        await engine.dispose()
    return key


def _wait_accepted(url: str, headers: dict[str, str], timeout: float = 10) -> None:
    """Until the workers' next poll of the store has loaded the new key."""
    body = json.dumps(
        {"model": "m", "max_tokens": 8, "messages": [{"role": "user", "content": "hi"}]}
    ).encode()
    request_headers = {"anthropic-version": "2023-06-01", "content-type": "application/json"}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        request = urllib.request.Request(
            f"{url}/v1/messages", body, request_headers | headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError("the Sluice key was not accepted")
