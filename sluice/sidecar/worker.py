"""One sidecar worker process: an ext_proc server on its own Unix socket.

Several workers run side by side (``sidecar.workers`` in the config); each is an endpoint
of Envoy's ext_proc cluster, which balances streams across them. On SIGHUP, or when the
config file changes, a worker reloads the policies: new requests use the new chains,
streams in flight finish with the old ones, and an invalid config is refused with the old
ones kept. With a store, it also polls the policy versions applied through the admin API
(:mod:`sluice.sidecar.policy_source`) and follows the newest. On SIGTERM or SIGINT it
stops taking new streams and lets those in flight finish within the grace period.
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
from sluice.config.cloud import BedrockConfig, VertexConfig

if TYPE_CHECKING:
    from sluice.auth.directory import KeyDirectory
    from sluice.sidecar.budgets import Budgets
    from sluice.sidecar.eventlog.sender import CaptureSender
    from sluice.sidecar.metering import Metering
    from sluice.sidecar.policy_source import PolicySource
    from sluice.sidecar.recorder import Recorder
    from sluice.sidecar.recording import Capture
    from sluice.sidecar.reviews import ReviewDesk
    from sluice.sidecar.server import ExtProcServer
    from sluice.sidecar.tracing import Tracing
    from sluice.store.budgets import BudgetLedger
    from sluice.store.policies import PolicyVersions

__all__ = ["configure_grpc_environment", "run_worker"]

log = logging.getLogger(__name__)

# gRPC's EventEngine listener costs this sidecar about a third more CPU per ext_proc message
# than the classic one (2 cores, 20 paced streams); prefer the classic one unless told otherwise.
_GRPC_EXPERIMENTS = "-event_engine_listener"


_MIN_WORKER_QUEUE = 1000


def configure_grpc_environment() -> None:
    """Set gRPC's tuning knobs before ``grpc`` starts; an operator's own setting wins."""
    os.environ.setdefault("GRPC_EXPERIMENTS", _GRPC_EXPERIMENTS)


async def _serve_until_signalled(config_path: Path, config: GatewayConfig, index: int) -> None:
    from sluice.auth.identity import Gate
    from sluice.sidecar.failover import Relay
    from sluice.sidecar.llm_client import ModelClients
    from sluice.sidecar.policy_source import PolicySource
    from sluice.sidecar.reading import Bounds
    from sluice.sidecar.routes import RouteTable
    from sluice.sidecar.server import ExtProcServer, serve  # imports grpc: after its env is set
    from sluice.store.policies import PolicyVersions

    socket_path = config.sidecar.socket_paths()[index]
    socket_path.parent.mkdir(parents=True, exist_ok=True)
    socket_path.unlink(missing_ok=True)  # left behind by a worker that was killed
    tracing = _open_tracing(config)
    models = ModelClients(tracing)  # shared by every chain, across reloads; closed at shutdown
    event_log = await _open_event_log(config)
    metering, ledger = _open_metering(config)
    versions = PolicyVersions.open(config.store_url) if config.store_url else None
    reviews = _open_reviews(config)
    source = PolicySource(config_path, config, models, versions, reviews)
    directory = await _open_directory(config, versions)
    relay = Relay(config.sidecar.failover_socket) if config.fails_over else None
    servicer = ExtProcServer(
        RouteTable(config.routes, config.providers, clouds=_clouds(config)),
        await source.start(),
        config.sidecar.keepalive_s,
        event_log[1] if event_log else None,
        metering,
        gate=Gate(config.auth, directory, config.team_header),
        bounds=Bounds(
            max_sse_event=config.sidecar.max_sse_event_bytes,
            max_held=config.sidecar.max_held_bytes,
            max_response=config.sidecar.max_response_bytes,
        ),
        message_timeout_s=config.sidecar.message_timeout_ms / 1000,
        relay=relay,
        tracing=tracing,
    )
    server = await serve(servicer, f"unix:{socket_path}")
    budgets = metering.budgets if metering is not None else None
    syncing = budgets and asyncio.create_task(
        budgets.run(config.limits.sync_interval_s, _dollar_metrics(config))
    )
    log.info("sidecar worker %d listening on %s", os.getpid(), socket_path)

    def reload() -> None:
        chains = source.reload_file()
        if chains is None:
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
        asyncio.create_task(_follow_applied(source, servicer)),
    ]
    if directory is not None:  # keys created, revoked, expired: seen within an interval
        background.append(asyncio.create_task(directory.run(config.auth.refresh_interval_s)))
    await stop.wait()
    for task in background:
        task.cancel()
    grace = config.sidecar.grace_period_s
    log.info("sidecar worker %d stopping (grace %gs)", os.getpid(), grace)
    await server.stop(grace)
    if relay is not None:
        await relay.close()
    if syncing:  # after the last streams were charged: hand their tokens to the store
        syncing.cancel()
        await asyncio.gather(syncing, return_exceptions=True)
    if ledger is not None:
        await ledger.close()
    await models.aclose()
    if versions is not None:
        await versions.aclose()
    if reviews is not None:
        await reviews.aclose()
    if event_log is not None:
        sender, recorder = event_log
        await recorder.aclose(timeout=max(grace, 1))  # send what the last streams left
        await sender.aclose()
    if tracing is not None:  # the last streams' spans (a blocking flush, within its timeout)
        await asyncio.to_thread(tracing.shutdown)
    socket_path.unlink(missing_ok=True)


def _open_tracing(config: GatewayConfig) -> Tracing | None:
    """The worker's tracer; ``None`` (and OpenTelemetry not even loaded) when tracing is off."""
    if not config.tracing.enabled:
        return None
    from sluice.sidecar.tracing import Tracing

    return Tracing.from_config(config.tracing)


async def _open_event_log(config: GatewayConfig) -> tuple[CaptureSender, Recorder[Capture]] | None:
    """The recorder that sends captures to the event-log writer process, or ``None`` when
    the config records nothing."""
    if not config.store_url:
        return None
    from sluice.sidecar.eventlog.sender import CaptureSender
    from sluice.sidecar.eventlog.writer import socket_path
    from sluice.sidecar.metrics import event_log_metrics
    from sluice.sidecar.recorder import Recorder
    from sluice.sidecar.recording import capture_size

    metrics = event_log_metrics().queue("worker") if config.sidecar.metrics else None
    sender = CaptureSender(socket_path(config), max_frame=config.frame_limit, metrics=metrics)
    # The writer holds the `store_queue` bound; this one only covers a writer restart.
    capacity = max(config.store_queue, _MIN_WORKER_QUEUE)
    recorder: Recorder[Capture] = Recorder(
        sender,
        capacity=capacity,
        max_bytes=config.store_queue_bytes,
        size=capture_size,
        item_limit=config.store_capture_bytes,
        metrics=metrics,
    )
    recorder.start()
    return sender, recorder


def _open_reviews(config: GatewayConfig) -> ReviewDesk | None:
    """Where this worker's escalated tool calls wait (``reviews.enabled``), else ``None``."""
    if not config.reviews.enabled or not config.store_url:
        return None
    from sluice.sidecar.metrics import worker_metrics
    from sluice.sidecar.review_webhook import Announcer
    from sluice.sidecar.reviews import ReviewDesk
    from sluice.store.reviews import ReviewQueue

    metrics = worker_metrics() if config.sidecar.metrics else None
    announcer = Announcer.from_config(config.reviews)
    return ReviewDesk(
        ReviewQueue.open_store(config.store_url),
        config.reviews,
        metrics,
        announce=announcer.announce if announcer is not None else None,
        closing=[announcer.aclose] if announcer is not None else [],
    )


async def _follow_applied(
    source: PolicySource, servicer: ExtProcServer, every_s: float = 2
) -> None:
    """Swap in the chains of each new policy version applied through the admin API."""
    while True:
        await asyncio.sleep(every_s)
        chains = await source.poll()
        if chains is not None:
            servicer.chains = chains


async def _open_directory(
    config: GatewayConfig, versions: PolicyVersions | None
) -> KeyDirectory | None:
    """The Sluice keys this worker accepts (keys modes only), loaded before it serves."""
    if not config.auth.mode.keys or versions is None:
        return None
    from sluice.auth.directory import KeyDirectory

    directory = KeyDirectory(versions)
    await directory.refresh()
    return directory


def _open_metering(config: GatewayConfig) -> tuple[Metering, BudgetLedger | None]:
    """What the limits and the costs need of this worker: the prices, the metadata for
    Envoy's rate-limit filters, and the token and dollar budgets' counters (token budgets
    unless an external service counts them), shared through the store when there is one.
    Keys modes always count: a key may carry its own daily budget."""
    from sluice.sidecar.budgets import Budgets
    from sluice.sidecar.metering import Metering
    from sluice.sidecar.pricing import PriceBook

    prices = PriceBook(config.costs)
    limits = config.limits
    external = limits.rate_limit_service is not None
    counted = (limits.budgets and not external) or limits.dollar_budgets or config.auth.mode.keys
    describe = limits.requests.any or (limits.budgets and external)
    if not counted:
        return Metering(describe=describe, prices=prices), None
    from sluice.store.budgets import BudgetLedger

    ledger = BudgetLedger(config.store_url) if config.store_url else None
    # With an external service the token budgets are its own; dollar budgets stay here.
    kept = limits.model_copy(update={"tokens_per_client": [], "tokens_per_team": []})
    budgets = Budgets(kept if external else limits, ledger)
    return Metering(describe, budgets, limits.cut_streams, prices), ledger


def _dollar_metrics(config: GatewayConfig) -> Callable[[Budgets], None] | None:
    """What reports the dollar budgets' use after each sync (when there are metrics)."""
    if not (config.sidecar.metrics and config.limits.dollar_budgets):
        return None
    from sluice.sidecar.metrics import worker_metrics

    metrics = worker_metrics()
    return lambda budgets: metrics.dollar_budgets(budgets.dollar_use(), budgets.alert_at)


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
    uvloop.run(_serve_until_signalled(config_path, config, index))


def _clouds(config: GatewayConfig) -> dict[str, BedrockConfig | VertexConfig]:
    """The providers the sidecar adapts requests for (Bedrock, Vertex AI), by name."""
    clouds: dict[str, BedrockConfig | VertexConfig] = {}
    for name, provider in config.providers.items():
        if (cloud := provider.bedrock or provider.vertex) is not None:
            clouds[name] = cloud
    return clouds
