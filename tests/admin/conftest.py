"""An admin server in-process (aiohttp's test client) over a store on each backend."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from sluice.admin import Readiness, create_app
from sluice.config import GatewayConfig
from sluice.store import Store

ADMIN_KEY = "adm-" + "k" * 28
VIEWER_KEY = "view-" + "v" * 27
REVIEWER_KEY = "rev-" + "r" * 28

ClientFactory = Callable[..., Any]


@pytest.fixture
def admin_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_ADMIN_KEY", ADMIN_KEY)
    monkeypatch.setenv("TEST_VIEWER_KEY", VIEWER_KEY)
    monkeypatch.setenv("TEST_REVIEWER_KEY", REVIEWER_KEY)


def config(**admin: Any) -> GatewayConfig:
    keys = {"key": {"env": "TEST_ADMIN_KEY"}, "viewer_key": {"env": "TEST_VIEWER_KEY"}}
    return GatewayConfig.model_validate({"admin": keys | admin, "store_url": None})


async def start_client(store: Store | None, gateway: GatewayConfig) -> TestClient[Any, Any]:
    """A started test client for the admin server of ``gateway`` (close it)."""
    readiness = Readiness(envoy_admin_url=None, worker_sockets=[], store=store)
    app = create_app(gateway, readiness=readiness, store=store)
    client: TestClient[Any, Any] = TestClient(TestServer(app))
    await client.start_server()
    return client


@pytest.fixture
async def make_client(admin_env: None, tmp_path: Any) -> AsyncIterator[Callable[..., Any]]:
    """``await make_client(store, **admin_config)``: a test client for an admin server."""
    clients: list[TestClient[Any, Any]] = []

    async def make(store: Store | None, **admin: Any) -> TestClient[Any, Any]:
        client = await start_client(store, config(**admin))
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


@pytest.fixture
async def client(make_client: Callable[..., Any], store: Store) -> TestClient[Any, Any]:
    made: TestClient[Any, Any] = await make_client(store)
    return made


def auth(key: str = ADMIN_KEY) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
