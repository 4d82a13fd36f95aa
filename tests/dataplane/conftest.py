"""Fixtures that start the real data plane: fake upstream, Envoy and sidecar workers.

One gateway serves the whole session; tests that break things (kill a worker) start their
own with ``make_gateway``. When a data-plane test fails, the gateway's log (Envoy's and the
sidecar's output) is attached to the report.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.harness import (
    ROOT,
    FakeUpstream,
    Gateway,
    gateway_config,
    short_tempdir,
    start_fake_upstream,
    start_gateway,
)

_started: list[Gateway] = []


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/dataplane/" in str(item.path):
            item.add_marker(pytest.mark.dataplane)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.failed and _started:
        for gateway in _started:
            for log in [gateway.log, *gateway.extra_logs]:
                if log.exists():
                    report.sections.append((f"log: {log.name}", log.read_text()[-20000:]))
    return report


@contextlib.contextmanager
def track(gateway: Gateway) -> Iterator[Gateway]:
    """Attach ``gateway``'s log to failing reports while it runs; stop it after."""
    _started.append(gateway)
    try:
        yield gateway
    finally:
        gateway.stop()
        _started.remove(gateway)


@pytest.fixture(scope="session")
def workdir() -> Iterator[Path]:
    with short_tempdir() as path:
        yield path


@pytest.fixture(scope="session")
def upstream(workdir: Path) -> Iterator[FakeUpstream]:
    fake = start_fake_upstream(workdir)
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def gateway(workdir: Path, upstream: FakeUpstream) -> Iterator[Gateway]:
    gateway_dir = workdir / "gw"
    gateway_dir.mkdir()
    started = start_gateway(gateway_dir, gateway_config(upstream.url, gateway_dir / "run"))
    started.extra_logs.append(upstream.log)
    with track(started):
        yield started


@pytest.fixture(scope="session")
def enforcing_gateway(workdir: Path, upstream: FakeUpstream) -> Iterator[Gateway]:
    """A gateway whose default chain blocks sudo in Bash (the guide's example policy)."""
    gateway_dir = workdir / "enforcing"
    gateway_dir.mkdir()
    config = gateway_config(
        upstream.url,
        gateway_dir / "run",
        policy_paths=[str(ROOT / "examples" / "policies")],
        policies=[{"name": "no_sudo:NoSudo"}],
    )
    with track(start_gateway(gateway_dir, config)) as started:
        yield started


@pytest.fixture
def make_gateway(upstream: FakeUpstream) -> Iterator[Callable[..., Gateway]]:
    """Start a private gateway (e.g. one a test may break); stopped after the test."""
    numbers = itertools.count()
    with short_tempdir() as base, contextlib.ExitStack() as stack:

        def make(**overrides: Any) -> Gateway:
            gateway_dir = base / f"gw{next(numbers)}"
            gateway_dir.mkdir()
            config = gateway_config(upstream.url, gateway_dir / "run", **overrides)
            return stack.enter_context(track(start_gateway(gateway_dir, config)))

        yield make
