"""Turning a batch of records into rows, inside the caller's transaction."""

from __future__ import annotations

import json
from collections import ChainMap
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sluice.model import Response
from sluice.store import _tables as t
from sluice.store.codec import (
    FORM_MARK,
    SENT_MARK,
    SplitRequest,
    canonical,
    digest,
    match_digests,
    response_to_json,
    split_request,
)
from sluice.store.credentials import without_credentials
from sluice.store.history import Branch, Spellings, conversation, plan, unresolved
from sluice.store.insights import Insights, read_insights
from sluice.store.records import ExchangeRecord
from sluice.store.users import readable_user

__all__ = ["BatchWriter"]


class BatchWriter:
    """Turns a batch of records into rows, then writes each table's rows in one statement.

    Reading: one query for the stored ids, two for the session families the batch touches,
    and one for the stored messages a request spells differently, read only when the
    request would otherwise start a child and the writer's ``Spellings`` do not know them
    yet. Writing: one executemany per table, in foreign-key order. Turns of one session in
    one batch see each other, because planning happens in memory before anything is written.
    """

    def __init__(self, connection: AsyncConnection, spellings: Spellings | None = None) -> None:
        self._db = connection
        self._dialect = connection.dialect.name
        self._families: dict[str, dict[str, Branch]] = {}
        self._spellings = spellings or Spellings()
        # A message's digest -> its match digest, once known: this batch's messages first.
        self._same: ChainMap[str, str] = ChainMap({}, self._spellings.known)
        self._sessions: dict[str, dict[str, Any]] = {}  # new sessions' rows, by id
        self._last_seen: dict[str, datetime] = {}  # stored sessions seen again
        self._insights: dict[str, Insights] = {}  # each session's, as stored or planned
        self._changed: set[str] = set()  # stored sessions whose insights changed
        self._messages: list[dict[str, Any]] = []
        self._blobs: dict[str, str] = {}
        self._exchanges: list[dict[str, Any]] = []
        self._links: list[dict[str, Any]] = []
        self._events: list[dict[str, Any]] = []

    async def write(self, records: Sequence[ExchangeRecord]) -> None:
        """Store the records whose exchange id is not stored yet (a batch may be retried)."""
        ids = [record.id for record in records]
        found = await self._db.execute(select(t.exchanges.c.id).where(t.exchanges.c.id.in_(ids)))
        done = set(found.scalars())
        todo = []
        for record in records:
            if record.id not in done:
                done.add(record.id)
                split = split_request(without_credentials(record.request))
                todo.append((record, split, [digest(text) for text in split.messages]))
        await self._load_families({root for r, s, d in todo if (root := _root(r, s, d))})
        for record, split, digests in todo:
            await self._add(record, split, digests)
        await self._flush()

    async def _add(self, record: ExchangeRecord, split: SplitRequest, digests: list[str]) -> None:
        session_id = await self._place_messages(record, split, digests)
        self._blobs.update(split.blobs)
        linked = set(split.blobs)
        sent: str | None = None
        if record.request_sent is not None:
            sent_split = _encode_sent(without_credentials(record.request_sent), split)
            self._blobs.update(sent_split.blobs)
            linked |= set(sent_split.blobs)
            sent = canonical(sent_split.rest)
        self._exchanges.append(
            _exchange_row(record, session_id, len(digests), canonical(split.rest), sent)
        )
        self._links += [{"exchange_id": record.id, "digest": d} for d in sorted(linked)]
        self._events += _event_rows(record)

    async def _place_messages(
        self, record: ExchangeRecord, split: SplitRequest, digests: list[str]
    ) -> str | None:
        """Queue the messages no earlier turn stored; return the exchange's session."""
        root = _root(record, split, digests)
        if root is None:
            return None
        family = self._families.setdefault(root, {})
        keys = match_digests(split, digests)
        where = plan(family, root, digests, keys, self._same)
        while where.parent_id is not None:  # it diverges: in meaning, or only in spelling?
            reads = unresolved(family, digests, keys, self._same)
            if not reads or not await self._learn_spellings(reads):
                break
            where = plan(family, root, digests, keys, self._same)
        self._same.update(zip(digests, keys, strict=True))
        # Stored messages this request spells otherwise: their spelling here, not the text.
        stored = conversation(family, where.parent_id or where.session_id) if family else []
        forms = [[i, split.shapes[i]] for i in range(where.first_new) if stored[i] != digests[i]]
        if forms:
            split.rest[FORM_MARK] = forms
        seen = t.utc(record.started_at)
        insights = read_insights(split.messages)
        if where.create:
            parent = self._insights.get(where.parent_id or "", Insights())
            self._insights[where.session_id] = parent.updated(insights)
            self._sessions[where.session_id] = {
                "id": where.session_id,
                "root_id": root,
                "parent_id": where.parent_id,
                "fork_seq": where.first_new if where.parent_id else 0,
                "client": record.client,
                "user_id": readable_user(record.user_id),
                "first_seen": seen,
                "last_seen": seen,
                **self._insights[where.session_id].columns(),
            }
            family[where.session_id] = Branch(
                where.session_id, where.parent_id, where.first_new, seen, new=True
            )
        else:
            self._note_insights(where.session_id, insights)
        branch = family[where.session_id]
        if seen > branch.last_seen:
            if branch.new:
                self._sessions[branch.id]["last_seen"] = seen
            else:
                self._last_seen[branch.id] = seen
        branch.last_seen = max(branch.last_seen, seen)
        self._messages += [
            {
                "session_id": branch.id,
                "seq": i,
                "role": split.roles[i],
                "content": split.messages[i],
                "digest": digests[i],
            }
            for i in range(where.first_new, len(digests))
        ]
        branch.own.extend(digests[where.first_new :])
        return branch.id

    def _note_insights(self, session_id: str, stated: Insights) -> None:
        known = self._insights.get(session_id, Insights())
        insights = known.updated(stated)
        if insights == known:
            return
        self._insights[session_id] = insights
        if session_id in self._sessions:  # created by this batch: not stored yet
            self._sessions[session_id].update(insights.columns())
        else:
            self._changed.add(session_id)

    async def _learn_spellings(self, reads: list[tuple[str, int]]) -> bool:
        """Read these stored messages (session id, seq) to learn their match digests;
        False when none was left to read (a concurrent prune may have removed them)."""
        m = t.messages.c
        wanted = [and_(m.session_id == sid, m.seq == seq) for sid, seq in reads]
        rows = (await self._db.execute(select(m.digest, m.content).where(or_(*wanted)))).all()
        for row in rows:
            split = split_request({"messages": [json.loads(row.content)]})
            [self._same[row.digest]] = match_digests(split, [row.digest])
            self._spellings.learn(row.digest, self._same[row.digest])
        return bool(rows)

    async def _load_families(self, roots: set[str]) -> None:
        """The stored sessions of these roots, with their messages' digests: two queries."""
        if not roots:
            return
        s, m = t.sessions.c, t.messages.c
        rows = await self._db.execute(
            select(
                s.id, s.root_id, s.parent_id, s.fork_seq, s.last_seen, *_insight_columns()
            ).where(s.root_id.in_(roots))
        )
        branches = {}
        for session in rows:
            branch = Branch(
                session.id, session.parent_id, session.fork_seq, t.utc(session.last_seen)
            )
            self._families.setdefault(session.root_id, {})[session.id] = branch
            branches[session.id] = branch
            self._insights[session.id] = Insights(**{n: session._mapping[n] for n in _INSIGHTS})
        if branches:
            digests = await self._db.execute(
                select(m.session_id, m.digest)
                .where(m.session_id.in_(branches))
                .order_by(m.session_id, m.seq)
            )
            for row in digests:
                branches[row.session_id].own.append(row.digest)

    async def _flush(self) -> None:
        """Each table's rows in one statement, parents before children."""
        db = self._db
        if self._sessions:
            await db.execute(insert(t.sessions), list(self._sessions.values()))
        if self._last_seen:
            s = t.sessions.c
            touch = (
                update(t.sessions)
                .where(and_(s.id == bindparam("sid"), s.last_seen < bindparam("seen")))
                .values(last_seen=bindparam("seen"))
            )
            rows = [{"sid": sid, "seen": seen} for sid, seen in self._last_seen.items()]
            await db.execute(touch, rows)
        if self._changed:
            s = t.sessions.c
            restate = (
                update(t.sessions)
                .where(s.id == bindparam("sid"))
                .values({name: bindparam(f"new_{name}") for name in _INSIGHTS})
            )
            rows = [
                {"sid": sid} | {f"new_{k}": v for k, v in self._insights[sid].columns().items()}
                for sid in sorted(self._changed)
            ]
            await db.execute(restate, rows)
        if self._messages:
            await db.execute(insert(t.messages), self._messages)
        if self._blobs:
            blobs = [{"digest": d, "content": text} for d, text in self._blobs.items()]
            await db.execute(t.insert_ignore(t.blobs, self._dialect), blobs)
        if self._exchanges:
            await db.execute(insert(t.exchanges), self._exchanges)
        if self._links:
            await db.execute(insert(t.exchange_blobs), self._links)
        if self._events:
            await db.execute(insert(t.events), self._events)


_INSIGHTS = list(Insights().columns())  # the sessions columns they fill


def _insight_columns() -> list[Any]:
    return [t.sessions.c[name] for name in _INSIGHTS]


def _root(record: ExchangeRecord, split: SplitRequest, digests: list[str]) -> str | None:
    """The session family a record belongs to: the client's session id, or else a name
    for who started the conversation and how (same client, same first message, however
    its content is spelled)."""
    if record.session_id is not None:
        return record.session_id
    if digests:
        [opening] = match_digests(split, digests[:1])
        return "h:" + digest(canonical([record.client, opening]))[7:31]
    return None


def _encode_sent(sent: dict[str, Any], received: SplitRequest) -> SplitRequest:
    """The sent request, its messages kept only where a policy changed them.

    ``$sent`` lists, per message, the index of the received message it equals or the
    changed message itself: a policy that edits one message costs one message.
    """
    split = split_request(sent)
    split.rest[SENT_MARK] = [
        i if i < len(received.messages) and text == received.messages[i] else json.loads(text)
        for i, text in enumerate(split.messages)
    ]
    return split


def _exchange_row(
    record: ExchangeRecord, session_id: str | None, history_len: int, rest: str, sent: str | None
) -> dict[str, Any]:
    usage = record.usage
    return {
        "id": record.id,
        "started_at": t.utc(record.started_at),
        "route": record.route,
        "provider": record.provider,
        "format": record.format.value,
        "model": record.model,
        "client": record.client,
        "user_id": readable_user(record.user_id),
        "user": record.user,
        "team": record.team,
        "key_id": record.key_id,
        "session_id": session_id,
        "status": record.status,
        "streamed": record.streamed,
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "cache_read_tokens": usage.cache_read_tokens,
        "cache_creation_tokens": usage.cache_creation_tokens,
        "reasoning_tokens": usage.reasoning_tokens,
        "cost_usd": record.cost_usd,
        "ttft_ms": None if record.ttft is None else record.ttft * 1000,
        "duration_ms": None if record.duration is None else record.duration * 1000,
        "outcome": record.outcome.value,
        "history_len": history_len,
        "request_rest": rest,
        "request_sent": sent,
        "response": _response(record.response),
        "response_delivered": _response(record.response_delivered),
    }


def _event_rows(record: ExchangeRecord) -> list[dict[str, Any]]:
    return [
        {
            "exchange_id": record.id,
            "at": t.utc(d.at or record.started_at),
            "kind": d.kind.value,
            "policy": d.policy,
            "action": d.action,
            "reason": d.reason,
            "latency_ms": d.seconds * 1000,
            "data": canonical({"hook": d.hook, **(d.data or {})}),
        }
        for d in record.decisions
    ]


def _response(response: Response | None) -> str | None:
    return None if response is None else canonical(response_to_json(response))
