"""Recent exchanges for the live activity view, read from the shared store.

Exchanges are written when they end, so one that started earlier can land after one that
started later. A reader therefore asks for what started since a *watermark* a little before
the newest exchange it has seen, and skips the ids it already has::

    fresh = [i for i, _ in await recent_ids(db, since) if i not in seen]
    rows = await read_activity(db, fresh)

The first query reads two indexed columns only; the second reads the few new rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from sluice.store import _tables as t
from sluice.store.records import Decision, EventKind, Outcome
from sluice.store.users import readable_user

__all__ = ["Activity", "read_activity", "recent_ids"]

MAX_IDS = 5000  # one poll never reads more ids than this


@dataclass(slots=True)
class Activity:
    """One exchange as the live view shows it: who, which model, how long, what happened."""

    id: str
    started_at: datetime
    model: str | None
    client: str | None
    user_id: str | None
    team: str | None
    session_id: str | None
    route: str | None
    status: int | None
    streamed: bool
    input_tokens: int | None
    output_tokens: int | None
    ttft_ms: float | None
    duration_ms: float | None
    outcome: Outcome
    decisions: list[Decision] = field(default_factory=list)

    @property
    def blocked_tool_calls(self) -> int:
        """How many of its tool calls a policy blocked."""
        return sum(1 for d in self.decisions if d.hook == "tool_call" and d.action == "block")


async def recent_ids(db: AsyncConnection, since: datetime) -> list[tuple[str, datetime]]:
    """``(id, started_at)`` of the exchanges started at or after ``since``, oldest first."""
    x = t.exchanges.c
    query = (
        select(x.id, x.started_at)
        .where(x.started_at >= since)
        .order_by(x.started_at, x.id)
        .limit(MAX_IDS)
    )
    return [(row.id, t.utc(row.started_at)) for row in await db.execute(query)]


async def read_activity(db: AsyncConnection, ids: Sequence[str]) -> list[Activity]:
    """The exchanges ``ids`` with their decisions, oldest first (two queries)."""
    if not ids:
        return []
    x, e = t.exchanges.c, t.events.c
    decisions: dict[str, list[Decision]] = {}
    events = select(t.events).where(e.exchange_id.in_(ids)).order_by(e.id)
    for row in await db.execute(events):
        decisions.setdefault(row.exchange_id, []).append(
            Decision(
                policy=row.policy or "",
                hook=_hook(row.data),
                action=row.action or "",
                reason=row.reason,
                seconds=(row.latency_ms or 0.0) / 1000,
                kind=EventKind(row.kind),
                at=t.utc(row.at),
            )
        )
    rows = await db.execute(select(t.exchanges).where(x.id.in_(ids)).order_by(x.started_at, x.id))
    return [_activity(row, decisions.get(row.id, [])) for row in rows]


def _hook(data: str | None) -> str:
    if not data:
        return ""
    value = json.loads(data)
    return str(value.get("hook", "")) if isinstance(value, dict) else ""


def _activity(row: Any, decisions: list[Decision]) -> Activity:
    values = row._mapping
    return Activity(
        id=values["id"],
        started_at=t.utc(values["started_at"]),
        model=values["model"],
        client=values["client"],
        user_id=readable_user(values["user_id"]),
        team=values.get("team"),  # not every schema revision records a team
        session_id=values["session_id"],
        route=values["route"],
        status=values["status"],
        streamed=values["streamed"],
        input_tokens=values["input_tokens"],
        output_tokens=values["output_tokens"],
        ttft_ms=values["ttft_ms"],
        duration_ms=values["duration_ms"],
        outcome=Outcome(values["outcome"]),
        decisions=decisions,
    )
