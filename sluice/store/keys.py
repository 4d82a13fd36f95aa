"""Sluice-issued keys in the store, shared by every worker of every replica.

The CLI and the admin API create and revoke keys here; each sidecar worker loads
:func:`active_keys` into memory and polls :func:`keys_version` (one cheap aggregate
query) to reload when a key is created or revoked; the event-log writer records when each
key was last used (:func:`touch_last_used`). Only hashes are stored
(:func:`sluice.auth.keys.hash_key`): :func:`create_key` returns the key once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from sluice.auth.keys import KeyRecord, generate_key, hash_key
from sluice.schema import ApiKey
from sluice.store import _tables as t

__all__ = [
    "KeyStore",
    "active_keys",
    "create_key",
    "get_key",
    "keys_version",
    "list_keys",
    "revoke_key",
    "touch_last_used",
]

_KEYS = ApiKey.__table__  # type: ignore[attr-defined]
_K = _KEYS.c


class _HasEngine(Protocol):
    @property
    def engine(self) -> AsyncEngine: ...


KeyStore = AsyncEngine | _HasEngine
"""Where keys live: a :class:`~sluice.store.Store`, a ``PolicyVersions`` or a bare engine."""


def _engine(store: KeyStore) -> AsyncEngine:
    return store if isinstance(store, AsyncEngine) else store.engine


def _aware(moment: datetime | None) -> datetime | None:
    return None if moment is None else t.utc(moment)


def _record(row: Any) -> KeyRecord:
    return KeyRecord(
        id=row.id,
        hash=row.hash,
        user=row.user,
        team=row.team,
        models=tuple(json.loads(row.models)),
        expires_at=_aware(row.expires_at),
        revoked_at=_aware(row.revoked_at),
        tokens_per_day=row.tokens_per_day,
        created_at=t.utc(row.created_at),
        last_used_at=_aware(row.last_used_at),
        usd_per_day=row.usd_per_day,
        usd_per_month=row.usd_per_month,
    )


async def create_key(
    store: KeyStore,
    user: str,
    team: str | None = None,
    models: Sequence[str] = (),
    expires_at: datetime | None = None,
    tokens_per_day: int | None = None,
    usd_per_day: float | None = None,
    usd_per_month: float | None = None,
) -> tuple[KeyRecord, str]:
    """Issue a key for ``user``: ``(record, key)``. The key is not stored and cannot be
    shown again; it works on every worker after their next poll."""
    key_id, secret = generate_key()
    now = datetime.now(UTC)
    record = KeyRecord(
        id=key_id,
        hash=hash_key(secret),
        user=user,
        team=team,
        models=tuple(models),
        expires_at=_aware(expires_at),
        revoked_at=None,
        tokens_per_day=tokens_per_day,
        created_at=now,
        last_used_at=None,
        usd_per_day=usd_per_day,
        usd_per_month=usd_per_month,
    )
    values = {
        "id": record.id,
        "hash": record.hash,
        "user": user,
        "team": team,
        "models": json.dumps(list(record.models)),
        "expires_at": record.expires_at,
        "revoked_at": None,
        "tokens_per_day": tokens_per_day,
        "usd_per_day": usd_per_day,
        "usd_per_month": usd_per_month,
        "created_at": now,
        "last_used_at": None,
        "updated_at": now,
    }
    async with _engine(store).begin() as connection:
        await connection.execute(insert(_KEYS).values(**values))
    return record, secret


async def list_keys(store: KeyStore) -> list[KeyRecord]:
    """Every key, revoked and expired ones included, newest first."""
    query = select(_KEYS).order_by(_K.created_at.desc(), _K.id)
    async with _engine(store).connect() as connection:
        return [_record(row) for row in await connection.execute(query)]


async def get_key(store: KeyStore, key_id: str) -> KeyRecord | None:
    async with _engine(store).connect() as connection:
        row = (await connection.execute(select(_KEYS).where(_K.id == key_id))).first()
    return None if row is None else _record(row)


async def revoke_key(store: KeyStore, key_id: str) -> bool:
    """Revoke the key ``key_id`` (at once, for good); ``False`` if there is no such key.
    Revoking a revoked key changes nothing and returns ``True``."""
    now = datetime.now(UTC)
    async with _engine(store).begin() as connection:
        done = await connection.execute(
            update(_KEYS)
            .where(and_(_K.id == key_id, _K.revoked_at.is_(None)))
            .values(revoked_at=now, updated_at=now)
        )
        if done.rowcount:
            return True
        found = await connection.execute(select(_K.id).where(_K.id == key_id))
        return found.first() is not None


async def active_keys(store: KeyStore, now: datetime | None = None) -> list[KeyRecord]:
    """The keys a worker loads: not revoked, not expired at ``now`` (default: now). A key
    may still expire while loaded: check :meth:`KeyRecord.usable` on every request."""
    now = t.utc(now or datetime.now(UTC))
    query = select(_KEYS).where(
        and_(_K.revoked_at.is_(None), or_(_K.expires_at.is_(None), _K.expires_at > now))
    )
    async with _engine(store).connect() as connection:
        return [_record(row) for row in await connection.execute(query)]


async def keys_version(store: KeyStore) -> str:
    """A marker that changes whenever a key is created or revoked: one aggregate query,
    so workers can poll it often and reload :func:`active_keys` only when it changes.

    Counts, not only the newest ``updated_at``: a replica whose clock lags could write an
    older time than the newest, but every creation and revocation changes a count.
    """
    query = select(func.count(), func.count(_K.revoked_at), func.max(_K.updated_at))
    async with _engine(store).connect() as connection:
        total, revoked, newest = (await connection.execute(query)).one()
    return f"{total}:{revoked}:{'' if newest is None else t.utc(newest).isoformat()}"


async def touch_last_used(store: KeyStore, used: Mapping[str, datetime]) -> None:
    """Record when keys were last used (``{key_id: time}``), in one statement. Never moves
    a time backwards, so workers may report in any order; does not change the version."""
    if not used:
        return
    statement = (
        update(_KEYS)
        .where(
            and_(
                _K.id == bindparam("kid"),
                or_(_K.last_used_at.is_(None), _K.last_used_at < bindparam("used")),
            )
        )
        .values(last_used_at=bindparam("used"))
    )
    rows = [{"kid": k, "used": t.utc(at)} for k, at in used.items()]
    async with _engine(store).begin() as connection:
        await connection.execute(statement, rows)
