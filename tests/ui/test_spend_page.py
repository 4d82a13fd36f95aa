"""The Spend page in-process: charts drawn as SVG without scripts or style attributes,
spend by team, user and model, the costliest sessions, and everyone's use of each dollar
budget."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from sluice.config import LimitsConfig
from sluice.config.limits import MICRO, window
from sluice.store import Store
from sluice.store.budgets import BudgetLedger
from tests.admin.conftest import config, start_client
from tests.store.factories import record
from tests.ui.conftest import login

Client = TestClient[Any, Any]
DAY = 86400
TODAY = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
PAY = {"user": "alice@corp", "team": "payments", "key_id": "key_aaaaaaaaaaaa"}
RES = {"user": "bob@corp", "team": "research", "key_id": "key_bbbbbbbbbbbb"}


async def seed(store: Store) -> None:
    await store.write(
        [
            record(
                0,
                id="a0",
                session_id="big",
                started_at=TODAY - timedelta(days=2),
                cost_usd=4.0,
                **PAY,
            ),
            record(
                1,
                id="a1",
                session_id="big",
                started_at=TODAY - timedelta(days=1),
                cost_usd=2.0,
                **PAY,
            ),
            record(
                0, id="b0", session_id="small", started_at=TODAY, model="gpt-5", cost_usd=0.5, **RES
            ),
            # Outside the default 30 days: not on the page.
            record(
                0,
                id="old",
                session_id="old",
                started_at=TODAY - timedelta(days=60),
                cost_usd=99.0,
                **RES,
            ),
        ]
    )


async def test_spend_by_team_over_the_last_30_days(ui: Client, sqlite_store: Store) -> None:
    await seed(sqlite_store)
    await login(ui)
    response = await ui.get("/spend")
    assert response.status == 200
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    page = await response.text()
    assert 'href="/spend"' in page  # in the navigation
    assert "<strong>$6.50</strong>" in page  # 4 + 2 + 0.5; the $99 of 60 days ago left out
    chart = page[page.index('id="cost-chart"') : page.index('id="token-chart"')]
    assert "<script" not in chart
    assert "style=" not in chart
    bars = re.findall(r'<rect class="bar (s\d)"[^>]*><title>([^<]+)</title>', chart)
    day = (TODAY - timedelta(days=2)).date().isoformat()
    assert ("s0", f"{day} · payments: $4.00") in bars
    assert ("s1", f"{TODAY.date().isoformat()} · research: $0.500") in bars
    assert len(re.findall(r'class="axis"[^>]*text-anchor="middle"', chart)) >= 4  # dates
    teams = page[page.index('id="top-team"') : page.index('id="top-user"')]
    assert teams.index("payments") < teams.index("research")  # costliest first
    sessions = page[page.index('id="top-sessions"') :]
    assert sessions.index('href="/sessions/big"') < sessions.index('href="/sessions/small"')
    assert 'href="/sessions/old"' not in sessions
    assert 'id="budget-use"' not in page  # no dollar budget configured


async def test_the_chart_groups_by_user_or_model_and_the_filters_narrow(
    ui: Client, sqlite_store: Store
) -> None:
    await seed(sqlite_store)
    await login(ui)
    by_model = await (await ui.get("/spend?by=model")).text()
    assert "Spend per day by model" in by_model
    assert "· gpt-5: $0.500" in by_model
    payments = await (await ui.get("/spend?team=payments&by=user")).text()
    assert "<strong>$6.00</strong>" in payments
    assert "· alice@corp: $4.00" in payments
    assert "bob@corp" not in payments[payments.index('id="cost-chart"') :]
    since = (TODAY - timedelta(days=1)).date().isoformat()
    narrow = await (await ui.get(f"/spend?since={since}")).text()
    assert "<strong>$2.50</strong>" in narrow
    bad = await ui.get("/spend?since=yesterday")
    assert bad.status == 200
    assert "since: not an ISO 8601 time" in await bad.text()


async def test_each_dollar_budget_shows_everyones_use(admin_env: None, sqlite_store: Store) -> None:
    limits = LimitsConfig.model_validate(
        {"usd_per_team": [{"usd": 10, "per": "day"}], "alert_at": 0.5}
    )
    gateway = config().model_copy(update={"limits": limits, "team_header": "x-team"})
    ledger = BudgetLedger(sqlite_store.engine.url)
    day = window(DAY, time.time())[0]
    await ledger.exchange(
        {(DAY, day, "usd.team=payments"): 12 * MICRO, (DAY, day, "usd.team=research"): 1 * MICRO},
        [(DAY, day)],
    )
    await ledger.close()
    client = await start_client(sqlite_store, gateway)
    try:
        await login(client)
        page = await (await client.get("/spend")).text()
    finally:
        await client.close()
    section = page[page.index('id="budget-use"') :]
    assert "each team $10.00 per day" in section
    rows = re.findall(r'<span class="mono">(\w+)</span>.*?class="meter-fill (\w+)"', section, re.S)
    assert rows == [("payments", "bad"), ("research", "ok")]
    assert "120%" in section
