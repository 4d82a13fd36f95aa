"""/readyz names each part's state in plain words, never an exception's text."""

from __future__ import annotations

import socket
from pathlib import Path

from sluice.admin.health import Readiness
from sluice.store import Store


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_unreachable_parts_are_reported_without_exception_text(tmp_path: Path) -> None:
    store = Store(f"postgresql+asyncpg://nobody:secret@127.0.0.1:{closed_port()}/none")
    readiness = Readiness(
        envoy_admin_url=f"http://127.0.0.1:{closed_port()}",
        worker_sockets=[tmp_path / "sidecar-0.sock"],
        store=store,
    )
    try:
        checks = await readiness.checks()
    finally:
        await store.close()
    assert {name: c.ok for name, c in checks.items()} == {
        "workers": False,
        "envoy": False,
        "store": False,
    }
    assert checks["envoy"].detail == "Envoy's admin API unreachable (connection failed)"
    assert checks["store"].detail == (
        "event log unreachable (connection failed; events wait in the queue)"
    )
    for check in checks.values():
        assert "Error" not in check.detail
        assert "(" not in check.detail.partition("(")[2]  # no repr inside the words
        assert "secret" not in check.detail
        assert "127.0.0.1" not in check.detail
