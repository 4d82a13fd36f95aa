"""Turning a batch of records into rows, inside the caller's transaction."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import and_, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sluice.model import Response
from sluice.store import _tables as t
from sluice.store.codec import (
    SENT_MARK,
    SplitRequest,
    canonical,
    digest,
    response_to_json,
    split_request,
)
from sluice.store.history import Branch, plan
from sluice.store.records import ExchangeRecord

__all__ = ["BatchWriter"]


class BatchWriter:
    """Writes records one after the other; remembers the session families it loaded.

    A batch often holds several turns of one session: its family is read once per batch.
    """

    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection
        self._dialect = connection.dialect.name
        self._families: dict[str, dict[str, Branch]] = {}

    async def stored_ids(self, ids: list[str]) -> set[str]:
        """Which of these exchanges are stored already."""
        found = await self._db.execute(select(t.exchanges.c.id).where(t.exchanges.c.id.in_(ids)))
        return set(found.scalars())

    async def add(self, record: ExchangeRecord) -> None:
        """Write one exchange: new messages, new blobs, the exchange row and its events."""
        split = split_request(record.request)
        digests = [digest(text) for text in split.messages]
        session_id = await self._store_messages(record, split, digests)
        await self._store_blobs(split.blobs)
        linked = set(split.blobs)
        sent: str | None = None
        if record.request_sent is not None:
            sent_split = _encode_sent(record.request_sent, split)
            await self._store_blobs(sent_split.blobs)
            linked |= set(sent_split.blobs)
            sent = canonical(sent_split.rest)
        row = _exchange_row(record, session_id, len(digests), canonical(split.rest), sent)
        await self._db.execute(insert(t.exchanges).values(**row))
        if linked:
            links = [{"exchange_id": record.id, "digest": d} for d in sorted(linked)]
            await self._db.execute(insert(t.exchange_blobs), links)
        if record.decisions:
            await self._db.execute(insert(t.events), _event_rows(record))

    async def _store_messages(
        self, record: ExchangeRecord, split: SplitRequest, digests: list[str]
    ) -> str | None:
        """Store the messages no earlier turn stored; return the exchange's session."""
        root = record.session_id
        if root is None and digests:
            # No session id from the client: a conversation is named by who started it
            # and how, so its later turns (same client, same first message) find it.
            root = "h:" + digest(canonical([record.client, digests[0]]))[7:31]
        if root is None:
            return None
        family = await self._family(root)
        where = plan(family, root, digests)
        seen = t.utc(record.started_at)
        if where.create:
            await self._db.execute(
                insert(t.sessions).values(
                    id=where.session_id,
                    root_id=root,
                    parent_id=where.parent_id,
                    fork_seq=where.first_new if where.parent_id else 0,
                    client=record.client,
                    user_id=record.user_id,
                    first_seen=seen,
                    last_seen=seen,
                )
            )
            family[where.session_id] = Branch(
                where.session_id, where.parent_id, where.first_new, seen
            )
        else:
            sessions = t.sessions.c
            await self._db.execute(
                update(t.sessions)
                .where(and_(sessions.id == where.session_id, sessions.last_seen < seen))
                .values(last_seen=seen)
            )
        branch = family[where.session_id]
        branch.last_seen = max(branch.last_seen, seen)
        if where.first_new < len(digests):
            rows = [
                {
                    "session_id": branch.id,
                    "seq": i,
                    "role": split.roles[i],
                    "content": split.messages[i],
                    "digest": digests[i],
                }
                for i in range(where.first_new, len(digests))
            ]
            await self._db.execute(insert(t.messages), rows)
            branch.own.extend(digests[where.first_new :])
        return branch.id

    async def _family(self, root: str) -> dict[str, Branch]:
        if root in self._families:
            return self._families[root]
        s, m = t.sessions.c, t.messages.c
        rows = await self._db.execute(
            select(s.id, s.parent_id, s.fork_seq, s.last_seen).where(s.root_id == root)
        )
        family = {
            row.id: Branch(row.id, row.parent_id, row.fork_seq, t.utc(row.last_seen))
            for row in rows
        }
        if family:
            digests = await self._db.execute(
                select(m.session_id, m.digest)
                .join(t.sessions, s.id == m.session_id)
                .where(s.root_id == root)
                .order_by(m.session_id, m.seq)
            )
            for row in digests:
                family[row.session_id].own.append(row.digest)
        self._families[root] = family
        return family

    async def _store_blobs(self, blobs: dict[str, str]) -> None:
        if blobs:
            rows = [{"digest": d, "content": text} for d, text in blobs.items()]
            await self._db.execute(t.insert_ignore(t.blobs, self._dialect), rows)


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
        "user_id": record.user_id,
        "session_id": session_id,
        "status": record.status,
        "streamed": record.streamed,
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "cache_read_tokens": usage.cache_read_tokens,
        "cache_creation_tokens": usage.cache_creation_tokens,
        "reasoning_tokens": usage.reasoning_tokens,
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
