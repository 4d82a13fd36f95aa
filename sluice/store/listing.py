"""Finding sessions: filters, full-text search and keyset pagination over the event log.

Sessions are listed most recently active first. A page ends with an opaque cursor; the next
page starts strictly after it, so rows written meanwhile never shift or repeat a page. Search
is Postgres full-text search over the strings of the stored messages and responses
(``jsonb_to_tsvector``, the ``simple`` configuration: no stemming, any language); on SQLite
it is a case-insensitive substring match.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, exists, func, literal_column, or_, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from sluice.store import _tables as t
from sluice.store.prompts import prompt_text
from sluice.store.records import Outcome
from sluice.store.users import readable_user

__all__ = ["CursorError", "SessionFilter", "SessionPage", "SessionSummary", "list_sessions"]

MODIFIED = (Outcome.MODIFIED, Outcome.BLOCKED, Outcome.REFUSED)


class CursorError(ValueError):
    """A cursor that this store did not hand out."""


@dataclass(frozen=True, slots=True)
class SessionFilter:
    """Which sessions to list; every condition given must hold."""

    since: datetime | None = None  # active at or after (last_seen)
    until: datetime | None = None  # started before (first_seen)
    user: str | None = None  # the user id the request bodies named (metadata.user_id)
    client: str | None = None
    auth_user: str | None = None  # some exchange was made by this authenticated user
    team: str | None = None  # ... by this authenticated team
    key_id: str | None = None  # ... with this Sluice key
    model: str | None = None  # some exchange used this model
    modified: bool | None = None  # True: some exchange was changed, blocked or refused
    search: str | None = None
    cwd: str | None = None  # the client's working directory (sluice.store.insights)
    git_branch: str | None = None
    platform: str | None = None


@dataclass(slots=True)
class SessionSummary:
    """One row of the sessions list."""

    id: str
    root_id: str
    parent_id: str | None
    client: str | None
    user_id: str | None
    first_seen: datetime
    last_seen: datetime
    exchanges: int = 0
    models: list[str] = field(default_factory=list)
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = None  # None while no exchange of it was priced
    modified: int = 0  # exchanges changed, blocked or refused by a policy
    title: str = ""  # a model's title, else the start of the first prompt
    title_source: str = ""  # model, prompt, or "" (no title)
    cwd: str | None = None  # where the client said it ran (sluice.store.insights)
    platform: str | None = None
    git_repo: bool | None = None
    git_branch: str | None = None


@dataclass(slots=True)
class SessionPage:
    sessions: list[SessionSummary]
    next_cursor: str | None


def _encode_cursor(last_seen: datetime, session_id: str) -> str:
    raw = json.dumps([t.utc(last_seen).isoformat(), session_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment, session_id = json.loads(raw)
        return datetime.fromisoformat(moment), str(session_id)
    except (ValueError, TypeError) as exc:
        raise CursorError(f"not a cursor from this API: {cursor!r}") from exc


def _search(db: AsyncConnection, text: str) -> ColumnElement[bool]:
    s, m, x = t.sessions.c, t.messages.c, t.exchanges.c
    if db.dialect.name == "postgresql":
        query = func.websearch_to_tsquery("simple", text)

        def matches(column: Any) -> ColumnElement[bool]:
            # Spelt like the expression index it can use: constants inline, not bound.
            strings = func.jsonb_to_tsvector(
                literal_column("'simple'::regconfig"),
                column.cast(JSONB),
                literal_column("'[\"string\"]'::jsonb"),
            )
            return strings.op("@@")(query)

    else:
        pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%") + "%"

        def matches(column: Any) -> ColumnElement[bool]:
            return func.lower(column).like(pattern, escape="\\")

    in_messages = exists().where(m.session_id == s.id, matches(m.content))
    in_responses = exists().where(x.session_id == s.id, matches(x.response))
    return or_(in_messages, in_responses)


def _conditions(db: AsyncConnection, where: SessionFilter) -> list[ColumnElement[bool]]:
    s, x = t.sessions.c, t.exchanges.c
    conditions: list[ColumnElement[bool]] = []
    if where.since is not None:
        conditions.append(s.last_seen >= where.since)
    if where.until is not None:
        conditions.append(s.first_seen < where.until)
    if where.user is not None:
        conditions.append(s.user_id == where.user)
    if where.client is not None:
        conditions.append(s.client == where.client)
    for column, value in (
        (s.cwd, where.cwd),
        (s.git_branch, where.git_branch),
        (s.platform, where.platform),
    ):
        if value is not None:
            conditions.append(column == value)
    # Sessions with an exchange of this caller: read through the (column, started_at) index.
    for column, value in (
        (x.user, where.auth_user),
        (x.team, where.team),
        (x.key_id, where.key_id),
    ):
        if value is not None:
            conditions.append(s.id.in_(select(x.session_id).where(column == value)))
    if where.model is not None:
        conditions.append(exists().where(x.session_id == s.id, x.model == where.model))
    if where.modified is not None:
        changed = exists().where(x.session_id == s.id, x.outcome.in_([o.value for o in MODIFIED]))
        conditions.append(changed if where.modified else ~changed)
    if where.search:
        conditions.append(_search(db, where.search))
    return conditions


async def list_sessions(
    db: AsyncConnection, where: SessionFilter, *, cursor: str | None = None, limit: int = 50
) -> SessionPage:
    """One page of sessions matching ``where``, most recently active first."""
    s = t.sessions.c
    conditions = _conditions(db, where)
    if cursor is not None:
        last_seen, session_id = _decode_cursor(cursor)
        conditions.append(
            or_(s.last_seen < last_seen, and_(s.last_seen == last_seen, s.id < session_id))
        )
    query = (
        select(t.sessions)
        .where(*conditions)
        .order_by(s.last_seen.desc(), s.id.desc())
        .limit(limit + 1)
    )
    rows = list(await db.execute(query))
    more = len(rows) > limit
    rows = rows[:limit]
    summaries = [
        SessionSummary(
            id=row.id,
            root_id=row.root_id,
            parent_id=row.parent_id,
            client=row.client,
            user_id=readable_user(row.user_id),
            first_seen=t.utc(row.first_seen),
            last_seen=t.utc(row.last_seen),
            title=row.title or "",
            title_source="model" if row.title else "",
            cwd=row.cwd,
            platform=row.platform,
            git_repo=row.git_repo,
            git_branch=row.git_branch,
        )
        for row in rows
    ]
    await _add_totals(db, summaries)
    last = summaries[-1] if summaries else None
    next_cursor = _encode_cursor(last.last_seen, last.id) if more and last else None
    return SessionPage(summaries, next_cursor)


async def _add_totals(db: AsyncConnection, summaries: list[SessionSummary]) -> None:
    """Exchange counts, models, tokens and titles for one page: two queries."""
    if not summaries:
        return
    by_id = {summary.id: summary for summary in summaries}
    x, m = t.exchanges.c, t.messages.c
    changed = x.outcome.in_([o.value for o in MODIFIED])
    totals = (
        select(
            x.session_id,
            x.model,
            func.count(),
            func.coalesce(func.sum(x.input_tokens), 0),
            func.coalesce(func.sum(x.output_tokens), 0),
            func.sum(changed.cast(Integer)),
            func.sum(x.cost_usd),
        )
        .where(x.session_id.in_(by_id))
        .group_by(x.session_id, x.model)
    )
    for session_id, model, count, tokens_in, tokens_out, modified, cost in await db.execute(totals):
        summary = by_id[session_id]
        if cost is not None:
            summary.cost_usd = (summary.cost_usd or 0.0) + float(cost)
        summary.exchanges += count
        summary.input_tokens += int(tokens_in)
        summary.output_tokens += int(tokens_out)
        summary.modified += int(modified or 0)
        if model and model not in summary.models:
            summary.models.append(model)
    untitled = [summary for summary in summaries if not summary.title]
    if not untitled:
        return
    holders = await _first_holders(db, untitled)
    first_user = select(m.session_id, m.content).where(
        m.session_id.in_(set(holders.values())), m.seq == _first_user_seq()
    )
    prompts = {sid: prompt_text(content, 120) for sid, content in await db.execute(first_user)}
    for summary in untitled:
        if title := prompts.get(holders[summary.id], ""):
            summary.title, summary.title_source = title, "prompt"


async def _first_holders(db: AsyncConnection, summaries: list[SessionSummary]) -> dict[str, str]:
    """For each session, the session that stores its first messages: itself, or for a
    branch (Claude Code starts one at its second request) the ancestor it shares them
    with. One query, for the families of the branches only."""
    holders = {summary.id: summary.id for summary in summaries}
    roots = {summary.root_id for summary in summaries if summary.parent_id is not None}
    if not roots:
        return holders
    s = t.sessions.c
    family = {
        row.id: (row.parent_id, row.fork_seq)
        for row in await db.execute(
            select(s.id, s.parent_id, s.fork_seq).where(s.root_id.in_(roots))
        )
    }
    for summary in summaries:
        current = summary.id
        for _ in range(len(family)):
            parent, fork_seq = family.get(current, (None, 0))
            if parent is None or fork_seq == 0:
                break
            current = parent
        holders[summary.id] = current
    return holders


def _first_user_seq() -> Any:
    """The lowest seq of a user message in the same session (correlated)."""
    inner = aliased(t.messages)
    return (
        select(func.min(inner.c.seq))
        .where(inner.c.session_id == t.messages.c.session_id, inner.c.role == "user")
        .scalar_subquery()
    )
