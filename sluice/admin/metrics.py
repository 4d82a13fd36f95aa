"""``/metrics``: Prometheus text for every process of this gateway, aggregated.

Each sidecar worker writes its metrics to files in a shared directory (prometheus-client's
multiprocess mode, ``PROMETHEUS_MULTIPROC_DIR``); the admin server reads them all at scrape
time, so a counter is the sum over the workers, whichever worker served a request.

That mode has no per-process metrics, so the CPU and memory of each process the supervisor
started (and its own) are read from ``/proc`` at scrape time: ``process_cpu_seconds_total``
and ``process_resident_memory_bytes`` with a ``process`` label (``worker-0``, ...,
``event-log``, ``supervisor``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

__all__ = ["ProcessCollector", "Processes", "metrics_routes"]

Processes = Callable[[], Mapping[str, int]]  # process name -> pid

_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")


class ProcessCollector:
    """CPU seconds and resident memory of named processes, read from ``/proc``."""

    def __init__(self, processes: Processes) -> None:
        self._processes = processes

    def collect(self) -> Iterator[Metric]:
        cpu = CounterMetricFamily(
            "process_cpu_seconds", "User and system CPU time, seconds.", labels=["process"]
        )
        memory = GaugeMetricFamily(
            "process_resident_memory_bytes", "Resident memory, bytes.", labels=["process"]
        )
        for name, pid in {**self._processes(), "supervisor": os.getpid()}.items():
            try:
                with open(f"/proc/{pid}/stat", "rb") as stat:
                    fields = stat.read().rpartition(b")")[2].split()
            except OSError:
                continue  # gone since it was listed
            # Fields after the command: state is [0], utime [11], stime [12], rss [21].
            cpu.add_metric([name], (int(fields[11]) + int(fields[12])) / _TICKS)
            memory.add_metric([name], int(fields[21]) * _PAGE)
        yield cpu
        yield memory


def _registry(processes: Processes | None) -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        if processes is not None:
            registry.register(ProcessCollector(processes))
        return registry
    from prometheus_client import REGISTRY

    return REGISTRY


def metrics_routes(processes: Processes | None = None) -> list[web.RouteDef]:
    """``GET /metrics``; ``processes`` names the processes whose CPU and memory to show."""
    registry = _registry(processes)

    async def metrics(_: web.Request) -> web.Response:
        body = generate_latest(registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    return [web.get("/metrics", metrics)]
