"""Sessions' model-written titles: which sessions need one, what a model reads, storing it.

The event-log writer's titler (:mod:`sluice.sidecar.eventlog.titles`) calls these off the
data path. A session needs a title when it has messages and none was written yet, or when
it has grown by ``every`` messages since its title was written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sluice.store import _tables as t
from sluice.store.prompts import message_words, shorten

__all__ = ["TitleJob", "due_titles", "save_title", "title_material"]


@dataclass(frozen=True, slots=True)
class TitleJob:
    """Session ``session_id`` has ``messages`` messages and needs a (new) title."""

    session_id: str
    messages: int


async def due_titles(
    db: AsyncConnection, *, since: datetime, every: int, limit: int
) -> list[TitleJob]:
    """Sessions active at or after ``since`` that need a title, most recently active first."""
    s, m = t.sessions.c, t.messages.c
    # seq numbers the whole conversation (a child's continue its parent's): the last + 1.
    count = select(func.max(m.seq) + 1).where(m.session_id == s.id).scalar_subquery()
    query = (
        select(s.id, count.label("messages"))
        .where(
            s.last_seen >= since,
            count.is_not(None),
            or_(s.title_messages.is_(None), count >= s.title_messages + every),
        )
        .order_by(s.last_seen.desc(), s.id.desc())
        .limit(limit)
    )
    return [TitleJob(row.id, int(row.messages)) for row in await db.execute(query)]


_HEAD, _TAIL = 4, 40  # messages read from the start (the first prompt) and from the end


async def title_material(db: AsyncConnection, session_id: str, budget: int = 6000) -> str:
    """What a title model reads: the session's first prompt, then its latest messages, as
    ``role: words`` lines, at most about ``budget`` characters. Only the first few and the
    last few dozen messages are read, however long the session."""
    s, m = t.sessions.c, t.messages.c
    chain: list[tuple[str, int]] = []  # (session, fork_seq), the session first
    current: str | None = session_id
    while current is not None and len(chain) < 100:
        row = (await db.execute(select(s.parent_id, s.fork_seq).where(s.id == current))).first()
        if row is None:
            break
        chain.append((current, row.fork_seq))
        current = row.parent_id
    # A session's own messages end its conversation (a branch stores at least one).
    last = (await db.execute(select(func.max(m.seq)).where(m.session_id == session_id))).scalar()
    if last is None:
        return ""
    wanted = or_(m.seq < _HEAD, m.seq > last - _TAIL)
    messages: dict[int, tuple[str, Any]] = {}
    # Root first: each child replaces its parent's messages from its fork on.
    for sid, fork_seq in reversed(chain):
        for seq in [seq for seq in messages if seq >= fork_seq]:
            del messages[seq]
        rows = await db.execute(
            select(m.seq, m.role, m.content).where(m.session_id == sid, wanted).order_by(m.seq)
        )
        for seq, role, content in rows:
            messages[seq] = (role, json.loads(content))
    lines = [
        f"{role}: {words}"
        for _, (role, message) in sorted(messages.items())
        if role in ("user", "assistant") and (words := message_words(message))
    ]
    if not lines:
        return ""
    first, rest, share = lines[0], lines[1:], budget // 3
    kept: list[str] = []
    left = budget - min(len(first), share)
    for line in reversed(rest):
        line = shorten(line, share)
        if len(line) > left:
            break
        kept.append(line)
        left -= len(line)
    skipped = len(kept) < len(rest) or last + 1 > _HEAD + _TAIL
    gap = ["…"] if skipped else []
    return "\n".join([shorten(first, share), *gap, *reversed(kept)])


async def save_title(db: AsyncConnection, session_id: str, title: str, messages: int) -> None:
    """Store ``title``, written from the session's first ``messages`` messages."""
    s = t.sessions.c
    await db.execute(
        update(t.sessions)
        .where(s.id == session_id)
        .values(title=shorten(title, 200), title_messages=messages)
    )
