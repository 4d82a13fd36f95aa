"""A session read back: its conversation, and each exchange with its response and decisions."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from sluice.model import Format, Response, Usage
from sluice.store import _tables as t
from sluice.store.codec import SENT_MARK, join_request, respelled, response_from_json
from sluice.store.credentials import without_credentials
from sluice.store.insights import Insights
from sluice.store.records import Decision, EventKind, Outcome
from sluice.store.users import readable_user

__all__ = ["StoredExchange", "Transcript", "read_exchange", "read_transcript"]

JSON = dict[str, Any]


@dataclass(slots=True)
class StoredExchange:
    """One exchange of a transcript. Its request is ``Transcript.request(exchange)``."""

    id: str
    started_at: datetime
    format: Format
    route: str | None
    provider: str | None
    model: str | None
    client: str | None
    user_id: str | None
    session_id: str | None
    status: int | None
    streamed: bool
    usage: Usage
    ttft: float | None
    duration: float | None
    outcome: Outcome
    history_len: int  # the request carried messages[0:history_len]
    response: Response | None
    response_delivered: Response | None
    decisions: list[Decision] = field(default_factory=list)
    user: str | None = None  # the authenticated caller (``auth:``)
    team: str | None = None
    key_id: str | None = None
    cost_usd: float | None = None  # None: its model had no price
    rest: JSON = field(default_factory=dict)  # the request without its conversation
    sent: JSON | None = None  # the sent request, encoded (see Transcript.request_sent)


@dataclass(slots=True)
class Transcript:
    """A session's conversation (``messages``, in order) and its exchanges, oldest first.

    ``messages`` of a child session start with the ``fork_seq`` messages it shares with
    ``parent_id``. Requests are rebuilt on demand: a 500-turn session would otherwise
    hold 500 copies of its history.
    """

    session_id: str
    root_id: str
    parent_id: str | None
    fork_seq: int
    client: str | None
    user_id: str | None
    first_seen: datetime
    last_seen: datetime
    messages: list[Any]
    exchanges: list[StoredExchange]
    blobs: dict[str, Any]
    insights: Insights = field(default_factory=Insights)  # where the client said it ran
    title: str | None = None  # a model's title (``session_titles``)

    def request(self, exchange: StoredExchange) -> JSON:
        """The request body as the client sent it (key order aside), credentials removed."""
        request = join_request(exchange.rest, self.messages[: exchange.history_len], self.blobs)
        return without_credentials(request)

    def request_sent(self, exchange: StoredExchange) -> JSON | None:
        """The request as sent upstream, if a policy changed it (credentials removed);
        else ``None``."""
        if exchange.sent is None:
            return None
        rest = {k: v for k, v in exchange.sent.items() if k != SENT_MARK}
        received = respelled(self.messages[: exchange.history_len], exchange.rest)
        messages = [received[m] if isinstance(m, int) else m for m in exchange.sent[SENT_MARK]]
        return without_credentials(join_request(rest, messages, self.blobs))


async def read_transcript(db: AsyncConnection, session_id: str) -> Transcript | None:
    """Read a session with five queries, however many turns it has; ``None`` if unknown."""
    s, m, x, e = t.sessions.c, t.messages.c, t.exchanges.c, t.events.c
    root = select(s.root_id).where(s.id == session_id).scalar_subquery()
    family = {row.id: row for row in await db.execute(select(t.sessions).where(s.root_id == root))}
    if session_id not in family:
        return None
    chain = [session_id]
    while (parent := family[chain[-1]].parent_id) is not None:
        chain.append(parent)
    own: dict[str, list[Any]] = {sid: [] for sid in chain}
    rows = await db.execute(
        select(m.session_id, m.content).where(m.session_id.in_(chain)).order_by(m.seq)
    )
    for row in rows:
        own[row.session_id].append(json.loads(row.content))
    messages: list[Any] = []
    for sid in reversed(chain):  # root first: each child keeps fork_seq of its parent's
        messages = messages[: family[sid].fork_seq] + own[sid]
    ids = select(x.id).where(x.session_id == session_id)
    decisions: dict[str, list[Decision]] = {}
    for row in await db.execute(select(t.events).where(e.exchange_id.in_(ids)).order_by(e.id)):
        decisions.setdefault(row.exchange_id, []).append(_decision(row))
    linked = select(t.exchange_blobs.c.digest).where(t.exchange_blobs.c.exchange_id.in_(ids))
    blobs = {
        row.digest: json.loads(row.content)
        for row in await db.execute(select(t.blobs).where(t.blobs.c.digest.in_(linked)))
    }
    exchanges = [
        _exchange(row, decisions.get(row.id, []))
        for row in await db.execute(
            select(t.exchanges).where(x.session_id == session_id).order_by(x.started_at, x.id)
        )
    ]
    top = family[session_id]
    return Transcript(
        session_id=session_id,
        root_id=top.root_id,
        parent_id=top.parent_id,
        fork_seq=top.fork_seq,
        client=top.client,
        user_id=readable_user(top.user_id),
        first_seen=t.utc(top.first_seen),
        last_seen=t.utc(top.last_seen),
        messages=messages,
        exchanges=exchanges,
        blobs=blobs,
        insights=Insights(
            cwd=top.cwd, platform=top.platform, git_repo=top.git_repo, git_branch=top.git_branch
        ),
        title=top.title,
    )


async def read_exchange(
    db: AsyncConnection, exchange_id: str
) -> tuple[Transcript, StoredExchange] | None:
    """An exchange and the transcript of its session (a request is rebuilt from it)."""
    x = t.exchanges.c
    found = (await db.execute(select(x.session_id).where(x.id == exchange_id))).first()
    if found is None:
        return None
    if found.session_id is not None:
        transcript = await read_transcript(db, found.session_id)
        if transcript is not None:
            for exchange in transcript.exchanges:
                if exchange.id == exchange_id:
                    return transcript, exchange
    # An exchange with no conversation (no messages): a transcript of its own.
    row = (await db.execute(select(t.exchanges).where(x.id == exchange_id))).one()
    e = t.events.c
    decisions = [
        _decision(event)
        for event in await db.execute(
            select(t.events).where(e.exchange_id == exchange_id).order_by(e.id)
        )
    ]
    linked = select(t.exchange_blobs.c.digest).where(t.exchange_blobs.c.exchange_id == exchange_id)
    blobs = {
        blob.digest: json.loads(blob.content)
        for blob in await db.execute(select(t.blobs).where(t.blobs.c.digest.in_(linked)))
    }
    exchange = _exchange(row, decisions)
    transcript = Transcript(
        session_id="",
        root_id="",
        parent_id=None,
        fork_seq=0,
        client=exchange.client,
        user_id=readable_user(exchange.user_id),
        first_seen=exchange.started_at,
        last_seen=exchange.started_at,
        messages=[],
        exchanges=[exchange],
        blobs=blobs,
    )
    return transcript, exchange


def _decision(row: Any) -> Decision:
    data = json.loads(row.data) if row.data else {}
    hook = data.pop("hook", "")
    return Decision(
        policy=row.policy,
        hook=hook,
        action=row.action,
        reason=row.reason,
        seconds=(row.latency_ms or 0.0) / 1000,
        kind=EventKind(row.kind),
        at=t.utc(row.at),
        data=data or None,
    )


def _exchange(row: Any, decisions: list[Decision]) -> StoredExchange:
    def seconds(ms: float | None) -> float | None:
        return None if ms is None else ms / 1000

    def response(text: str | None) -> Response | None:
        return None if text is None else response_from_json(json.loads(text))

    return StoredExchange(
        id=row.id,
        started_at=t.utc(row.started_at),
        format=Format(row.format),
        route=row.route,
        provider=row.provider,
        model=row.model,
        client=row.client,
        user_id=readable_user(row.user_id),
        session_id=row.session_id,
        status=row.status,
        streamed=row.streamed,
        usage=Usage(
            input_tokens=row.input_tokens,
            output_tokens=row.output_tokens,
            cache_read_tokens=row.cache_read_tokens,
            cache_creation_tokens=row.cache_creation_tokens,
            reasoning_tokens=row.reasoning_tokens,
        ),
        ttft=seconds(row.ttft_ms),
        duration=seconds(row.duration_ms),
        outcome=Outcome(row.outcome),
        history_len=row.history_len,
        response=response(row.response),
        response_delivered=response(row.response_delivered),
        decisions=decisions,
        rest=json.loads(row.request_rest),
        sent=json.loads(row.request_sent) if row.request_sent else None,
        user=row.user,
        team=row.team,
        key_id=row.key_id,
        cost_usd=row.cost_usd,
    )
