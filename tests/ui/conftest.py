"""The admin server with its web UI in-process (aiohttp's test client), and a browser login."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from sluice.schema import upgrade
from sluice.store import Store
from tests.admin.conftest import ADMIN_KEY, VIEWER_KEY, admin_env, auth, config, make_client

__all__ = ["ADMIN_KEY", "VIEWER_KEY", "admin_env", "auth", "config", "csrf_of", "login"]

Client = TestClient[Any, Any]


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[Store]:
    """A migrated SQLite store: the pages read it as they would read Postgres."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'ui.db'}"
    await upgrade(url)
    async with Store(url) as store:
        yield store


@pytest.fixture
async def ui(make_client: Any, sqlite_store: Store) -> Client:
    """An admin server with the UI, over an empty SQLite store, logged out."""
    made: Client = await make_client(sqlite_store)
    return made


def form_value(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no {name} in the page"
    return found.group(1)


def csrf_of(html: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]*)">', html)
    assert found, "no csrf-token meta in the page"
    return found.group(1)


async def login(client: Client, key: str = ADMIN_KEY) -> str:
    """Log in through the form like a browser; returns the session's CSRF token."""
    page = await client.get("/login")
    token = form_value(await page.text(), "login_token")
    response = await client.post(
        "/login", data={"login_token": token, "key": key, "next": "/live"}, allow_redirects=False
    )
    assert response.status == 303, await response.text()
    live = await client.get("/live")
    assert live.status == 200
    return csrf_of(await live.text())


_ = make_client  # re-exported fixtures
