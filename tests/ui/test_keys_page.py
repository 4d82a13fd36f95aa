"""The Keys page in-process: issue (the key once), list, revoke; admin only, CSRF-checked."""

from __future__ import annotations

import re
import time
from typing import Any

from aiohttp.test_utils import TestClient

from sluice.auth import hash_key
from sluice.config import LimitsConfig
from sluice.config.limits import MICRO, MONTH, window
from sluice.store import Store
from sluice.store.budgets import BudgetLedger
from sluice.store.keys import active_keys, list_keys
from tests.admin.conftest import config, start_client
from tests.store.factories import record
from tests.ui.conftest import VIEWER_KEY, login

DAY = 86400

Client = TestClient[Any, Any]


def secret_in(page: str) -> str | None:
    found = re.search(r'id="new-key-secret"[^>]* value="(sk-sluice-[^"]+)"', page)
    return found.group(1) if found else None


async def test_issue_see_once_list_and_revoke(ui: Client, sqlite_store: Store) -> None:
    csrf = await login(ui)
    empty = await (await ui.get("/keys")).text()
    assert "No key yet." in empty
    assert 'href="/keys"' in empty  # in the admin's navigation
    form = {"csrf_token": csrf, "user": "alice", "team": "payments", "models": "claude-*, gpt-5",
            "expires": "90d", "tokens_per_day": "50000", "usd_per_day": "$2.50",
            "usd_per_month": ""}  # fmt: skip
    issued = await ui.post("/keys", data=form)
    assert issued.status == 200
    page = await issued.text()
    secret = secret_in(page)
    assert secret is not None
    assert "will not be shown again" in page
    [key] = await active_keys(sqlite_store)
    assert key.hash == hash_key(secret)
    assert (key.usd_per_day, key.usd_per_month) == (2.5, None)
    assert (key.user, key.team, key.models, key.tokens_per_day) == (
        "alice", "payments", ("claude-*", "gpt-5"), 50000
    )  # fmt: skip

    listed = await (await ui.get("/keys")).text()
    assert secret not in listed
    assert secret[10:30] not in listed
    assert key.hash not in listed
    row = re.search(rf'<tr data-key="{key.id}".*?</tr>', listed, re.S)
    assert row
    assert "alice" in row.group(0)
    assert "claude-*, gpt-5" in row.group(0)
    assert "50,000" in row.group(0)
    assert "active" in row.group(0)

    revoked = await ui.post(
        f"/keys/{key.id}/revoke", data={"csrf_token": csrf}, allow_redirects=False
    )
    assert revoked.status == 303
    after = await (await ui.get(revoked.headers["Location"])).text()
    assert f"Key <code>{key.id}</code> revoked." in after
    assert await active_keys(sqlite_store) == []
    row = re.search(rf'<tr data-key="{key.id}".*?</tr>', after, re.S)
    assert row
    assert "revoked 20" in row.group(0)
    assert "Revoke</button>" not in row.group(0)


async def test_a_bad_form_says_why_and_keeps_what_was_typed(
    ui: Client, sqlite_store: Store
) -> None:
    csrf = await login(ui)
    form = {"csrf_token": csrf, "user": "bob", "expires": "soon", "models": "claude-*"}
    refused = await ui.post("/keys", data=form)
    assert refused.status == 400
    page = await refused.text()
    assert "expires: expected a duration like 90d" in page
    assert 'value="bob"' in page
    assert 'value="claude-*"' in page
    assert secret_in(page) is None
    assert await list_keys(sqlite_store) == []
    budget = await ui.post("/keys", data={"csrf_token": csrf, "user": "bob", "tokens_per_day": "x"})
    assert "tokens_per_day: expected a whole number above 0" in await budget.text()
    dollars = await ui.post(
        "/keys", data={"csrf_token": csrf, "user": "bob", "usd_per_day": "lots"}
    )
    assert "usd_per_day: expected an amount of dollars above 0" in await dollars.text()
    assert 'value="lots"' in await dollars.text()  # kept as typed
    unknown = await ui.post("/keys/key_nope/revoke", data={"csrf_token": csrf})
    assert unknown.status == 404
    assert "no key &#39;key_nope&#39;" in await unknown.text()


async def test_changes_need_the_csrf_token(ui: Client, sqlite_store: Store) -> None:
    await login(ui)
    forged = await ui.post("/keys", data={"user": "mallory"})
    assert forged.status == 403
    wrong = await ui.post("/keys", data={"user": "mallory", "csrf_token": "x"})
    assert wrong.status == 403
    assert await list_keys(sqlite_store) == []


async def test_a_viewer_cannot_see_the_keys(ui: Client, sqlite_store: Store) -> None:
    csrf = await login(ui, VIEWER_KEY)
    page = await ui.get("/keys")
    assert page.status == 403
    text = await page.text()
    assert "needs the admin key" in text
    assert 'href="/keys"' not in text
    refused = await ui.post("/keys", data={"csrf_token": csrf, "user": "v"})
    assert refused.status == 403
    assert await list_keys(sqlite_store) == []


async def test_the_history_filters_by_team_and_key(ui: Client, sqlite_store: Store) -> None:
    caller = {"user": "alice@corp", "team": "payments", "key_id": "key_aaaaaaaaaaaa"}
    await sqlite_store.write(
        [record(0, id="a-0", session_id="a", **caller), record(0, id="b-0", session_id="b")]
    )
    await login(ui)
    by_team = await (await ui.get("/sessions?team=payments")).text()
    assert 'href="/sessions/a"' in by_team
    assert 'href="/sessions/b"' not in by_team
    assert 'name="team" value="payments"' in by_team
    by_key = await (await ui.get("/sessions?key_id=key_aaaaaaaaaaaa&auth_user=alice%40corp")).text()
    assert 'href="/sessions/a"' in by_key
    assert 'href="/sessions/b"' not in by_key
    exchange = await (await ui.get("/exchanges/a-0")).text()
    assert "alice@corp" in exchange
    assert 'href="/sessions?key_id=key_aaaaaaaaaaaa"' in exchange


async def test_who_is_near_a_dollar_budget_is_listed(admin_env: None, sqlite_store: Store) -> None:
    limits = {
        "usd_per_client": [{"usd": 10, "per": "day"}],
        "usd_per_team": [{"usd": 100, "per": "month"}],
        "alert_at": 0.75,
    }
    gateway = config().model_copy(
        update={"limits": LimitsConfig.model_validate(limits), "team_header": "x-team"}
    )
    ledger = BudgetLedger(sqlite_store.engine.url)
    now = time.time()
    day, month = window(DAY, now)[0], window(MONTH, now)[0]
    spent = {
        (DAY, day, "usd.client=alice"): 8 * MICRO,  # 80% of $10: listed
        (DAY, day, "usd.client=bob"): 7 * MICRO,  # 70%: not yet
        (MONTH, month, "usd.team=payments"): 120 * MICRO,  # over: spent
        (DAY, day, "client=alice"): 10**9,  # a token budget's counter: not dollars
    }
    await ledger.exchange(spent, [(DAY, day), (MONTH, month)])
    await ledger.close()
    client = await start_client(sqlite_store, gateway)
    try:
        await login(client)
        page = await (await client.get("/keys")).text()
    finally:
        await client.close()
    section = page[page.index('id="dollar-budgets"') :]
    assert "each client $10.00 per day, each team $100.00 per month" in section
    assert "from 75% spent" in section
    rows = re.findall(
        r"<tr class=\"(\w+)\">\s*<td>(\w+) <span class=\"mono\">([^<]+)</span>", section
    )
    assert rows == [("bad", "team", "payments"), ("warn", "client", "alice")]
    assert "$120.00" in section
    assert "bob" not in section
