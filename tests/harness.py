"""Start the real thing for tests and benchmarks: fake upstream, Envoy, sidecar workers.

Everything binds to 127.0.0.1 on free ports and writes its logs to files, so a failing
data-plane test can print Envoy's and the sidecar's output (see ``tests/conftest.py``).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "FakeUpstream",
    "Gateway",
    "Pod",
    "free_port",
    "gateway_config",
    "short_tempdir",
    "start_fake_upstream",
    "start_gateway",
]

ROOT = Path(__file__).resolve().parent.parent


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A port free now, and never one this run of the tests handed out before: two
    gateways configured before either starts must not be given the same one."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port: int = sock.getsockname()[1]
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


def _wait_for(predicate: Any, timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    tail = log.read_text()[-4000:] if log and log.exists() else ""
    raise TimeoutError(f"{what} not ready after {timeout:g}s\n{tail}")


def _stop(process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class FakeUpstream:
    """The scripted fake LLM API, as a process."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path
    context: ssl.SSLContext | None = None  # set when it serves HTTPS: trusts its certificate

    @property
    def url(self) -> str:
        scheme = "https" if self.context else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def requests(self) -> list[dict[str, Any]]:
        """What the fake upstream received, oldest first."""
        url = f"{self.url}/_fake/requests"
        with urllib.request.urlopen(url, context=self.context) as response:
            received: list[dict[str, Any]] = json.load(response)
            return received

    def clear(self) -> None:
        request = urllib.request.Request(f"{self.url}/_fake/requests", method="DELETE")
        urllib.request.urlopen(request, context=self.context).close()

    def stop(self) -> None:
        _stop(self.process)


def start_fake_upstream(
    workdir: Path, port: int | None = None, *, tls: tuple[Path, Path, Path] | None = None
) -> FakeUpstream:
    """Start the fake upstream; ``tls`` = (certificate, key, CA file): serve HTTPS."""
    port = port or free_port()
    log = workdir / f"fake-upstream-{port}.log"
    command = [sys.executable, "-m", "sluice.fake_upstream", "--host", "127.0.0.1"]
    context = None
    if tls is not None:
        cert, key, ca_file = tls
        command += ["--tls-cert", str(cert), "--tls-key", str(key)]
        context = ssl.create_default_context(cafile=str(ca_file))
        context.check_hostname = False  # the certificate names the provider, not 127.0.0.1
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    upstream = FakeUpstream(process, port, log, context)
    _wait_for(lambda: _listening(port), 20, "fake upstream", log)
    return upstream


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Gateway:
    """``sluice run`` as a process, with its config, ports and log."""

    process: subprocess.Popen[bytes]
    config_path: Path
    config: dict[str, Any]
    log: Path
    extra_logs: list[Path] = field(default_factory=list)

    @property
    def url(self) -> str:
        listener = self.config["listener"]
        return f"http://{listener['address']}:{listener['port']}"

    @property
    def admin_url(self) -> str:
        return f"http://127.0.0.1:{self.config['envoy']['admin_port']}"

    def worker_pids(self) -> list[int]:
        """PIDs of the sidecar worker processes (children of the supervisor)."""
        return self._children("sidecar")

    def event_log_pid(self) -> int | None:
        """PID of the event-log writer process, if it runs."""
        pids = self._children("event-log")
        return pids[0] if pids else None

    def _children(self, command: str) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = [int(pid) for pid in children.read_text().split()]
        found = []
        for pid in pids:
            with contextlib.suppress(OSError):
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                if command.encode() in argv[:4]:
                    found.append(pid)
        return found

    def sidecar_streams_per_worker(self) -> dict[str, int]:
        """gRPC streams Envoy opened to each sidecar worker's socket."""
        with urllib.request.urlopen(f"{self.admin_url}/clusters") as response:
            lines = response.read().decode().splitlines()
        streams = {}
        for line in lines:
            cluster, _, rest = line.partition("::")
            if cluster == "sluice_sidecar" and rest.count("::") == 2:
                host, stat, value = rest.split("::")
                if stat == "rq_total":
                    streams[host] = int(value)
        return streams

    def stop(self) -> None:
        _stop(self.process, timeout=60)


def gateway_config(
    upstream_url: str, socket_dir: Path, *, workers: int = 1, **overrides: Any
) -> dict[str, Any]:
    config: dict[str, Any] = {
        "listener": {"address": "127.0.0.1", "port": free_port()},
        "envoy": {"admin_port": free_port(), "stats_port": free_port(), "log_level": "warning"},
        "admin": {"port": free_port(), "demo": True},
        "sidecar": {"socket_dir": str(socket_dir), "workers": workers, "grace_period_s": 5},
        "providers": {
            "anthropic": {"base_url": upstream_url},
            "openai": {"base_url": upstream_url},
        },
    }
    for key, value in overrides.items():
        config[key] = config.get(key, {}) | value if isinstance(value, dict) else value
    return config


# The ports gateway_config picks, picked again when one was taken before the gateway bound
# it (a free port is only free until someone binds it: another test's client, say).
_PORTS = (("listener", "port"), ("envoy", "admin_port"), ("envoy", "stats_port"), ("admin", "port"))


def start_gateway(workdir: Path, config: dict[str, Any], attempts: int = 3) -> Gateway:
    """``sluice run`` with ``config``, ready; if a port it was given was taken meanwhile,
    again with new ones (``config`` is updated in place)."""
    for attempt in range(attempts):
        try:
            return _start_gateway(workdir, config)
        except RuntimeError as exc:
            if "Address already in use" not in str(exc) or attempt == attempts - 1:
                raise
            for section, key in _PORTS:
                if key in config.get(section, {}):
                    config[section][key] = free_port()
    raise AssertionError("unreachable")


def _start_gateway(workdir: Path, config: dict[str, Any]) -> Gateway:
    config_path = workdir / "sluice.yaml"
    config_path.write_text(yaml.safe_dump(config))
    log = workdir / "gateway.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sluice",
            "--log-level",
            "INFO",
            "run",
            "--config",
            str(config_path),
        ],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    gateway = Gateway(process, config_path, config, log)

    def ready() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"sluice run exited with {process.returncode}:\n{log.read_text()}")
        return b"sluice: listening on" in log.read_bytes()

    _wait_for(ready, 60, "gateway", log)
    return gateway


@dataclass
class Pod:
    """The Helm chart's gateway pod as local processes, one per container: the init
    container's bootstrap (``sluice envoy-config``), Envoy's container (``sluice envoy``) and
    the sidecar's (``sluice run --without-envoy``), each started by :meth:`start`."""

    workdir: Path
    config: dict[str, Any]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.config_path.write_text(yaml.safe_dump(self.config))
        config, output = str(self.config_path), str(self.bootstrap)
        command = [*self._sluice, "envoy-config", "--config", config, "--output", output]
        subprocess.run(command, check=True, capture_output=True)

    @property
    def config_path(self) -> Path:
        return self.workdir / "sluice.yaml"

    @property
    def bootstrap(self) -> Path:
        return self.workdir / "envoy.json"

    @property
    def url(self) -> str:
        listener = self.config["listener"]
        return f"http://{listener['address']}:{listener['port']}"

    @property
    def _sluice(self) -> list[str]:
        return [sys.executable, "-m", "sluice", "--log-level", "INFO"]

    def log(self, container: str) -> Path:
        return self.workdir / f"{container}.log"

    def start(self, container: str) -> None:
        """Start ``envoy`` or ``sidecar`` and wait until it is ready."""
        config = ["--config", str(self.config_path)]
        command = {
            "envoy": ["envoy", *config, "--bootstrap", str(self.bootstrap)],
            "sidecar": ["run", *config, "--without-envoy"],
        }[container]
        log = self.log(container)
        process = subprocess.Popen(
            [*self._sluice, *command], stdout=log.open("wb"), stderr=subprocess.STDOUT, cwd=ROOT
        )
        self.processes[container] = process
        stats = f"http://127.0.0.1:{self.config['envoy']['stats_port']}/ready"

        def ready() -> bool:
            if process.poll() is not None:
                raise RuntimeError(
                    f"{container} exited with {process.returncode}:\n{log.read_text()[-4000:]}"
                )
            if container == "sidecar":
                return b"sluice: sidecar ready" in log.read_bytes()
            try:
                with urllib.request.urlopen(stats, timeout=1) as response:
                    return bool(response.status == 200)
            except OSError:
                return False

        _wait_for(ready, 60, container, log)

    def stop(self) -> None:
        for process in reversed(self.processes.values()):
            _stop(process, timeout=60)


@contextlib.contextmanager
def short_tempdir() -> Iterator[Path]:
    """A temporary directory with a short path: Unix socket paths are limited to 107 bytes."""
    path = Path(tempfile.mkdtemp(prefix="sl-", dir=os.environ.get("SLUICE_TMP", "/tmp")))
    try:
        yield path
    finally:
        subprocess.run(["rm", "-rf", str(path)], check=False)
