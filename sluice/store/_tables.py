"""The Core tables behind the schema's models: the store writes in bulk, without the ORM."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from sluice.schema import Blob, Event, Exchange, ExchangeBlob, Message, Session

__all__ = [
    "blobs",
    "events",
    "exchange_blobs",
    "exchanges",
    "insert_ignore",
    "messages",
    "sessions",
    "utc",
]


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


sessions = _table(Session)
messages = _table(Message)
blobs = _table(Blob)
exchange_blobs = _table(ExchangeBlob)
exchanges = _table(Exchange)
events = _table(Event)


def insert_ignore(table: Table, dialect: str) -> Insert:
    """INSERT that skips rows whose key exists: blobs are shared by every writer."""
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


def utc(moment: datetime) -> datetime:
    """SQLite hands timestamps back without a zone; they were written in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
