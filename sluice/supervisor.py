"""``sluice run``: start Envoy and the sidecar workers, watch them, stop them in order.

With ``--without-envoy`` (Kubernetes, where Envoy is a container of its own) only the
sidecar's processes run here.

Startup: the bootstrap is rendered to a file, the workers start first (Envoy fails closed
until they listen), then Envoy. A worker that dies is restarted with backoff; if Envoy dies,
everything stops and the exit status says so. On SIGTERM/SIGINT Envoy stops accepting new
connections, requests in flight get ``sidecar.grace_period_s`` to finish, then Envoy and the
workers stop. SIGHUP reloads the policies in every worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import logging
import os
import shutil
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from sluice.cloud_tokens import VertexTokens
from sluice.config import GatewayConfig
from sluice.envoy import envoy_command, render_bootstrap
from sluice.envoy.drain import drain
from sluice.envoy.keys import write_key_files

if TYPE_CHECKING:
    from sluice.store import Store

__all__ = ["Supervisor"]

log = logging.getLogger(__name__)

_RESTART_BACKOFF_S = (0.1, 0.5, 1.0, 2.0, 5.0)


def _die_with_parent() -> None:
    """In the child, before exec: receive SIGTERM when the supervisor dies (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


_PR_SET_PDEATHSIG = 1
# Children get a session of their own: a Ctrl-C in the terminal reaches only the supervisor,
# which stops them in order (Envoy drains, workers finish their streams, the event-log
# writer stores what they sent last). If the supervisor dies, the kernel stops them.
_CHILD: dict[str, Any] = {"start_new_session": True, "preexec_fn": _die_with_parent}

# How long a stopping worker may take past its grace period, and the event-log writer in all
# (it stores what the workers sent last), before they are killed.
_STOP_MARGIN_S = 10.0
_WRITER_STOP_S = 30.0


async def _stopped(name: str, process: asyncio.subprocess.Process, bound: float) -> None:
    """Wait ``bound`` seconds for ``process`` (sent SIGTERM) to exit; then kill it."""
    try:
        await asyncio.wait_for(process.wait(), bound)
    except TimeoutError:
        log.error("%s (pid %d) did not stop within %gs; killing it", name, process.pid, bound)
        process.kill()
        await process.wait()


def _share_metrics(directory: Path) -> None:
    """Every process started from here writes its metrics into ``directory`` (emptied
    first: files of processes from an earlier run would be counted again)."""
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)


def _forget_metrics(pid: int) -> None:
    """A process died: its live gauges (active streams, queue depths) no longer count."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


@dataclass(slots=True)
class _Admin:
    runner: web.AppRunner
    store: Store | None

    async def aclose(self) -> None:
        await self.runner.cleanup()
        if self.store is not None:
            await self.store.close()


class Supervisor:
    """Owns the Envoy process and one process per sidecar worker."""

    def __init__(
        self, config: GatewayConfig, config_path: Path, state_dir: Path, *, with_envoy: bool = True
    ) -> None:
        self.config = config
        self.with_envoy = with_envoy
        self.config_path = config_path
        self.state_dir = state_dir
        self.envoy: asyncio.subprocess.Process | None = None
        # The processes started from here, by name: "worker 0", ... and "event-log".
        self.workers: dict[str, asyncio.subprocess.Process] = {}
        self.writer: dict[str, asyncio.subprocess.Process] = {}  # when the store is on
        self._stopping = False

    @property
    def admin_url(self) -> str:
        return f"http://{self.config.envoy.admin_address}:{self.config.envoy.admin_port}"

    async def run(self) -> int:
        """Run until signalled (exit 0) or until Envoy dies (exit 1)."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        bootstrap = self.state_dir / "envoy.json"
        bootstrap.write_text(json.dumps(render_bootstrap(self.config), indent=1))
        write_key_files(self.config)  # provider keys, for Envoy only (see sluice.envoy.keys)
        tokens = VertexTokens(self.config)  # Vertex AI access tokens, the same way
        await tokens.start()
        _share_metrics(self.state_dir / "metrics")
        admin = await self._start_admin()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        loop.add_signal_handler(signal.SIGHUP, self._reload_workers)
        watchers = [
            asyncio.create_task(
                self._keep(self.workers, f"worker {i}", "sidecar", "--worker", str(i))
            )
            for i in range(self.config.sidecar.workers)
        ]
        if self.config.store_url:
            watchers.append(asyncio.create_task(self._keep(self.writer, "event-log", "event-log")))
        if tokens:
            watchers.append(asyncio.create_task(tokens.run()))
        try:
            return await self._serve(bootstrap, stop)
        finally:
            await self._shutdown(watchers)
            await admin.aclose()

    async def _serve(self, bootstrap: Path, stop: asyncio.Event) -> int:
        await self._wait_for_sockets()
        stopped = asyncio.create_task(stop.wait())
        if not self.with_envoy:  # Envoy runs elsewhere (its own container in Kubernetes)
            print(f"sluice: sidecar ready in {self.config.sidecar.socket_dir}", flush=True)
            await stopped
            return 0
        self.envoy = await asyncio.create_subprocess_exec(
            *envoy_command(bootstrap, self.config.envoy), **_CHILD
        )
        envoy_exit = asyncio.create_task(self.envoy.wait())
        await self._wait_until_live(envoy_exit)
        listener = self.config.listener
        print(f"sluice: listening on http://{listener.address}:{listener.port}", flush=True)
        await asyncio.wait({stopped, envoy_exit}, return_when=asyncio.FIRST_COMPLETED)
        if stopped.done():
            return 0
        log.error("envoy exited with status %s; stopping", self.envoy.returncode)
        return 1

    async def _start_admin(self) -> _Admin:
        from sluice.admin import Readiness, create_app, start_admin

        store = None
        if self.config.store_url:
            from sluice.schema import async_url
            from sluice.store import Store

            store = Store(async_url(self.config.store_url))
        readiness = Readiness(
            envoy_admin_url=self.admin_url if self.with_envoy else None,
            worker_sockets=self.config.sidecar.socket_paths(),
            store=store,
        )
        app = create_app(self.config, readiness=readiness, store=store, processes=self._pids)
        runner = await start_admin(app, self.config.admin)
        admin = self.config.admin
        log.info("admin server on http://%s:%d", admin.address, admin.port)
        return _Admin(runner, store)

    def _pids(self) -> dict[str, int]:
        """The running processes started from here, by name (for /metrics)."""
        return {
            name.replace(" ", "-"): p.pid
            for name, p in {**self.workers, **self.writer}.items()
            if p.returncode is None
        }

    def _reload_workers(self) -> None:
        """SIGHUP: every worker reloads the policies from the config file."""
        for process in self.workers.values():
            if process.returncode is None:
                process.send_signal(signal.SIGHUP)

    async def _keep(
        self, into: dict[str, asyncio.subprocess.Process], name: str, *command: str
    ) -> None:
        """Run ``sluice <command>`` as process ``name`` (kept in ``into``); restart it with
        backoff if it dies."""
        failures = 0
        while not self._stopping:
            started = time.monotonic()
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "sluice",
                *command,
                "--config",
                str(self.config_path),
                **_CHILD,
            )
            into[name] = process
            code = await process.wait()
            _forget_metrics(process.pid)
            if self._stopping:
                return
            failures = 0 if time.monotonic() - started > 30 else failures + 1
            delay = _RESTART_BACKOFF_S[min(failures, len(_RESTART_BACKOFF_S) - 1)]
            log.error("%s exited with %s; restarting in %gs", name, code, delay)
            await asyncio.sleep(delay)

    async def _wait_for_sockets(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        paths = self.config.sidecar.socket_paths()
        while not all(path.exists() for path in paths):
            if time.monotonic() > deadline:
                raise RuntimeError(f"sidecar workers did not start within {timeout:g}s")
            await asyncio.sleep(0.05)

    async def _wait_until_live(self, envoy_exit: asyncio.Task[int], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                if envoy_exit.done():
                    raise RuntimeError(f"envoy exited at start with status {envoy_exit.result()}")
                with contextlib.suppress(aiohttp.ClientError):
                    async with session.get(f"{self.admin_url}/ready") as response:
                        if response.status == 200:
                            return
                await asyncio.sleep(0.05)
        raise RuntimeError(f"envoy was not ready within {timeout:g}s")

    async def _shutdown(self, watchers: list[asyncio.Task[None]]) -> None:
        self._stopping = True
        if self.envoy is not None and self.envoy.returncode is None:
            await drain(self.admin_url, self.config.sidecar.grace_period_s)
            self.envoy.terminate()
            await self.envoy.wait()
        # Workers first (each finishes its own streams, then exits), the writer last: it
        # stores what the workers sent while they finished. One that does not exit in time
        # is killed: a shutdown never hangs, and nothing outlives it unsupervised.
        grace = self.config.sidecar.grace_period_s
        for group, bound in ((self.workers, grace + _STOP_MARGIN_S), (self.writer, _WRITER_STOP_S)):
            for process in group.values():
                if process.returncode is None:
                    process.terminate()
            await asyncio.gather(*(_stopped(n, p, bound) for n, p in group.items()))
        for task in watchers:
            task.cancel()
        await asyncio.gather(*watchers, return_exceptions=True)
