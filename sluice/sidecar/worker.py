"""One sidecar worker process: an ext_proc server on its own Unix socket.

Several workers run side by side (``sidecar.workers`` in the config); each is an endpoint
of Envoy's ext_proc cluster, which balances streams across them. On SIGHUP, or when the
config file changes, a worker reloads the policies: new requests use the new chains,
streams in flight finish with the old ones, and an invalid config is refused with the old
ones kept. On SIGTERM or SIGINT it stops taking new streams and lets those in flight
finish within the grace period.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sluice.config import ConfigError, GatewayConfig, load_config

if TYPE_CHECKING:
    from sluice.sidecar.recorder import Recorder
    from sluice.sidecar.recording import Capture
    from sluice.store import Store

__all__ = ["configure_grpc_environment", "run_worker"]

log = logging.getLogger(__name__)

# gRPC's EventEngine listener costs this sidecar about a third more CPU per ext_proc message
# than the classic one (2 cores, 20 paced streams); prefer the classic one unless told otherwise.
_GRPC_EXPERIMENTS = "-event_engine_listener"


def configure_grpc_environment() -> None:
    """Set gRPC's tuning knobs before ``grpc`` starts; an operator's own setting wins."""
    os.environ.setdefault("GRPC_EXPERIMENTS", _GRPC_EXPERIMENTS)


async def _serve_until_signalled(config_path: Path, config: GatewayConfig, index: int) -> None:
    from sluice.policy import PolicyError
    from sluice.sidecar.chains import ChainSet
    from sluice.sidecar.llm_client import ModelClients
    from sluice.sidecar.routes import RouteTable
    from sluice.sidecar.server import ExtProcServer, serve  # imports grpc: after its env is set

    socket_path = config.sidecar.socket_paths()[index]
    socket_path.parent.mkdir(parents=True, exist_ok=True)
    socket_path.unlink(missing_ok=True)  # left behind by a worker that was killed
    models = ModelClients()  # shared by every chain, across reloads; closed at shutdown
    event_log = await _open_event_log(config)
    servicer = ExtProcServer(
        RouteTable(config.routes),
        ChainSet(config, models),
        config.sidecar.keepalive_s,
        event_log[1] if event_log else None,
    )
    server = await serve(servicer, f"unix:{socket_path}")
    log.info("sidecar worker %d listening on %s", os.getpid(), socket_path)

    def reload() -> None:
        try:
            chains = ChainSet(load_config(config_path), models)
        except (ConfigError, PolicyError) as exc:
            log.error("policy reload refused, keeping the running policies: %s", exc)
            return
        servicer.chains = chains
        log.info(
            "policies reloaded: default chain %s; named chains %s",
            ", ".join(p.name for p in chains.default.policies),
            ", ".join(chains.named) or "none",
        )

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    loop.add_signal_handler(signal.SIGHUP, reload)
    background = [
        asyncio.create_task(_stop_when_orphaned(stop)),
        asyncio.create_task(_reload_on_change(config_path, reload)),
    ]
    await stop.wait()
    for task in background:
        task.cancel()
    grace = config.sidecar.grace_period_s
    log.info("sidecar worker %d stopping (grace %gs)", os.getpid(), grace)
    await server.stop(grace)
    await models.aclose()
    if event_log is not None:
        store, recorder = event_log
        await recorder.aclose(timeout=max(grace, 1))  # write what the last streams left
        await store.close()
    socket_path.unlink(missing_ok=True)


async def _open_event_log(config: GatewayConfig) -> tuple[Store, Recorder[Capture]] | None:
    """The store and its recorder, or ``None`` when the config records nothing.

    Refuses to start (``SchemaError``) when the database is not at this Sluice's schema."""
    if not config.store_url:
        return None
    from sluice.schema import async_url, check_version
    from sluice.sidecar.recorder import Recorder
    from sluice.sidecar.recording import store_sink
    from sluice.store import Store

    url = async_url(config.store_url)
    await check_version(url)
    store = Store(url)
    recorder: Recorder[Capture] = Recorder(store_sink(store), capacity=config.store_queue)
    recorder.start()
    return store, recorder


async def _stop_when_orphaned(stop: asyncio.Event) -> None:
    """A worker whose supervisor died (even by SIGKILL) must not live on unsupervised."""
    parent = os.getppid()
    while os.getppid() == parent:  # noqa: ASYNC110 - no event tells a process its parent died
        await asyncio.sleep(1)
    log.warning("supervisor %d is gone; stopping", parent)
    stop.set()


async def _reload_on_change(path: Path, reload: Callable[[], None], every_s: float = 2) -> None:
    """Reload when the config file changes (editors replace it: compare mtime and inode)."""

    def stamp() -> tuple[float, int] | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        return stat.st_mtime, stat.st_ino

    seen = stamp()
    while True:
        await asyncio.sleep(every_s)
        current = stamp()
        if current is not None and current != seen:
            seen = current
            reload()


def run_worker(config_path: Path, index: int) -> None:
    """Run worker ``index`` of the config at ``config_path`` until SIGTERM/SIGINT."""
    import uvloop

    configure_grpc_environment()
    config = load_config(config_path)
    if not 0 <= index < config.sidecar.workers:
        raise ConfigError(f"worker index {index} out of range 0..{config.sidecar.workers - 1}")
    from sluice.schema import SchemaError

    try:
        uvloop.run(_serve_until_signalled(config_path, config, index))
    except SchemaError as exc:
        raise ConfigError(f"store_url: {exc}") from None
