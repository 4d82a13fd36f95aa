"""The event-log writer process (``sluice event-log``): the one process that writes the store.

Sidecar workers send their captures here over a Unix socket (:mod:`.sender`); parsing them
into records and writing them to the database happens here, off the data path, in batches
(one transaction per batch). While the database is down or slow, captures wait in a bounded
queue (``store_queue`` captures, ``store_queue_bytes`` bytes); beyond it the oldest are
dropped, counted and logged. A frame longer than ``store_frame_bytes`` is skipped unread
(counted, logged). On SIGTERM it stops accepting, then flushes what is queued within the
grace period.

One writer per gateway also means one writer per session's messages: workers never race
each other for a session's next message number.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import URL

from sluice.config import ConfigError, GatewayConfig
from sluice.sidecar.eventlog.wire import FrameError, decode, frame_size
from sluice.sidecar.metrics import event_log_metrics
from sluice.sidecar.recorder import Recorder
from sluice.sidecar.recording import Capture, capture_size, store_sink

if TYPE_CHECKING:
    from sluice.sidecar.tracing import Tracing
    from sluice.store import Store

__all__ = ["run_writer", "socket_path"]

log = logging.getLogger(__name__)


def socket_path(config: GatewayConfig) -> Path:
    """Where the writer listens for the workers' captures."""
    return config.sidecar.socket_dir / "eventlog.sock"


async def _serve(config: GatewayConfig) -> None:
    from sluice.schema import async_url, check_version
    from sluice.store import Store

    assert config.store_url is not None  # run_writer checked
    url = async_url(config.store_url)
    await check_version(url)
    store = Store(url)
    metrics = event_log_metrics().queue("writer") if config.sidecar.metrics else None
    tracing = _open_tracing(config)
    recorder: Recorder[Capture] = Recorder(
        store_sink(store, tracing),
        capacity=config.store_queue,
        max_bytes=config.store_queue_bytes,
        size=capture_size,
        metrics=metrics,
    )
    recorder.start()
    limit = config.frame_limit

    async def receive(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                size = frame_size(await reader.readexactly(4))
                if size > limit:
                    await _skip(reader, size)
                    if metrics is not None:
                        metrics.refused()
                    log.error(
                        "event log: refused a %d-byte capture (store_frame_bytes: %d)",
                        size,
                        limit,
                    )
                else:
                    try:
                        capture = decode(await reader.readexactly(size))
                    except FrameError as exc:
                        log.error("event log: a capture was unreadable and is lost: %s", exc)
                    else:
                        if capture.truncated and metrics is not None:
                            metrics.truncated()
                        recorder.record(capture)
                writer.write(b"\x01")
        except asyncio.IncompleteReadError:
            pass  # the worker closed its connection
        except FrameError as exc:
            log.error("event log: closing a connection that sent garbage: %s", exc)
        finally:
            writer.close()

    pruning = asyncio.create_task(_prune_hourly(config, url))
    titling = _start_titles(config, store)
    path = socket_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    server = await asyncio.start_unix_server(receive, str(path))
    os.chmod(path, 0o600)
    log.info("event log writer %d listening on %s", os.getpid(), path)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    pruning.cancel()
    if titling is not None:
        titling.cancel()
    server.close()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(server.wait_closed(), 1)
    await recorder.aclose(timeout=max(config.sidecar.grace_period_s, 1))
    log.info(
        "event log writer stopping: %d written, %d dropped, %d failed writes",
        recorder.written,
        recorder.dropped,
        recorder.failures,
    )
    await store.close()
    if tracing is not None:
        await asyncio.to_thread(tracing.shutdown)
    path.unlink(missing_ok=True)


def _open_tracing(config: GatewayConfig) -> Tracing | None:
    """The writer's tracer (its spans join the traces the captures name), or ``None``."""
    if not config.tracing.enabled:
        return None
    from sluice.sidecar.tracing import Tracing

    return Tracing.from_config(config.tracing, "-event-log")


def _start_titles(config: GatewayConfig, store: Store) -> asyncio.Task[None] | None:
    """The session titler's task, when ``session_titles.model`` is set."""
    settings = config.session_titles
    if settings.model is None:
        return None
    from sluice.sidecar.eventlog.titles import SessionTitler
    from sluice.sidecar.llm_client import model_client

    metrics = event_log_metrics() if config.sidecar.metrics else None
    titler = SessionTitler(store, model_client(settings.model), settings, metrics=metrics)
    log.info(
        "session titles: written by %s every %d messages",
        settings.model.model,
        settings.every_messages,
    )
    return asyncio.create_task(titler.run())


async def _skip(reader: asyncio.StreamReader, size: int) -> None:
    """Read past ``size`` bytes without holding more than a buffer's worth of them."""
    while size > 0:
        chunk = await reader.read(min(size, 1 << 16))
        if not chunk:
            raise asyncio.IncompleteReadError(b"", size)
        size -= len(chunk)


async def _prune_hourly(config: GatewayConfig, url: URL) -> None:
    """Apply ``store_retention_days``: at start, then every hour."""
    if config.store_retention_days is None:
        return
    from sluice.schema import prune

    age = timedelta(days=config.store_retention_days)
    while True:
        try:
            deleted = await prune(url, age)
        except Exception as exc:  # the store is down: try again next hour
            log.warning("event log: pruning failed (%r); retrying in an hour", exc)
        else:
            if any(deleted.values()):
                log.info("event log: pruned %s", ", ".join(f"{n} {t}" for t, n in deleted.items()))
        await asyncio.sleep(3600)


def run_writer(config: GatewayConfig) -> None:
    """Run the writer for ``config`` until SIGTERM/SIGINT; ConfigError if the store's schema
    is not this Sluice's."""
    import uvloop

    from sluice.schema import SchemaError

    if not config.store_url:
        raise ConfigError("store_url is null: there is no event log to write")
    try:
        uvloop.run(_serve(config))
    except SchemaError as exc:
        raise ConfigError(f"store_url: {exc}") from None
