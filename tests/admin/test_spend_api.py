"""Spend through the history API on both backends: each exchange's stored cost summed by
session, user, team, key, model and UTC day, filtered like the sessions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from sluice.config.prices import list_prices
from sluice.model import Usage
from sluice.store import Outcome, Store
from tests.admin.conftest import auth
from tests.admin.test_history_api import ALICE_A, seed
from tests.store.factories import T0, record

Client = TestClient[Any, Any]


async def spend(client: Client, query: str) -> dict[str, Any]:
    response = await client.get(f"/api/spend?{query}", headers=auth())
    assert response.status == 200, await response.text()
    body: dict[str, Any] = await response.json()
    return body


def costs(body: dict[str, Any]) -> dict[str | None, float]:
    return {row["key"]: round(row["cost_usd"], 6) for row in body["rows"]}


async def test_costs_by_team_user_key_model_and_session(client: Client, store: Store) -> None:
    await seed(store)
    by_team = await spend(client, "by=team")
    assert by_team["prices_as_of"] == list_prices().as_of.isoformat()
    assert costs(by_team) == {"payments": 0.0395, None: 0.0}
    assert [row["key"] for row in by_team["rows"]] == ["payments", None]  # costliest first
    unteamed = by_team["rows"][1]
    assert (unteamed["exchanges"], unteamed["unpriced"]) == (1, 1)  # gpt-5 had no price here
    assert costs(await spend(client, "by=user")) == {
        "alice@corp": 0.0395,
        "key:0123456789abcdef": 0.0,
    }
    assert costs(await spend(client, "by=key")) == {
        "key_aaaaaaaaaaaa": 0.0375,
        "key_cccccccccccc": 0.002,
        None: 0.0,
    }
    by_model = await spend(client, "by=model")
    assert costs(by_model) == {"claude-sonnet-4-5": 0.0375, "claude-haiku-4-5": 0.002, "gpt-5": 0.0}
    sonnet = by_model["rows"][0]
    assert (sonnet["exchanges"], sonnet["input_tokens"], sonnet["output_tokens"]) == (3, 30, 15)
    assert costs(await spend(client, "by=session&team=payments")) == {"s1": 0.0375, "s3": 0.002}
    sessions = await (await client.get("/api/sessions", headers=auth())).json()
    assert {s["id"]: s["cost_usd"] for s in sessions["sessions"]} == {
        "s3": pytest.approx(0.002),
        "s2": None,
        "s1": pytest.approx(0.0375),
    }
    detail = await (await client.get("/api/exchanges/s1-0", headers=auth())).json()
    assert detail["cost_usd"] == pytest.approx(0.0125)


async def test_costs_by_day_are_a_time_series_within_the_range(
    client: Client, store: Store
) -> None:
    await seed(store)  # all on 2026-01-01
    later = [
        record(
            0, id="d2", session_id="d", started_at=T0 + timedelta(days=1), cost_usd=1.5, **ALICE_A
        ),
        record(
            1, id="d3", session_id="d", started_at=T0 + timedelta(days=2), cost_usd=0.25, **ALICE_A
        ),
        record(
            2,
            id="d3-refused",
            session_id="d",
            started_at=T0 + timedelta(days=2),
            outcome=Outcome.REFUSED,
            usage=Usage(),
        ),
    ]
    await store.write(later)
    by_day = await spend(client, "by=day")
    assert [row["key"] for row in by_day["rows"]] == ["2026-01-01", "2026-01-02", "2026-01-03"]
    assert costs(by_day)["2026-01-02"] == 1.5
    third = by_day["rows"][2]
    assert (third["exchanges"], third["unpriced"]) == (2, 0)  # a refusal reached no provider
    since = (T0 + timedelta(days=1)).isoformat().replace("+00:00", "")
    until = (T0 + timedelta(days=2)).isoformat().replace("+00:00", "")
    assert costs(await spend(client, f"by=day&since={since}&until={until}")) == {"2026-01-02": 1.5}
    assert [r["key"] for r in (await spend(client, "by=day&limit=2"))["rows"]] == [
        "2026-01-02",
        "2026-01-03",
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [("by=week", "by: expected one of session, user, team, key, model, day"), ("limit=0", "limit")],
)
async def test_a_bad_parameter_is_named(
    client: Client, store: Store, query: str, message: str
) -> None:
    response = await client.get(f"/api/spend?{query}", headers=auth())
    assert response.status == 400
    assert message in (await response.json())["error"]
