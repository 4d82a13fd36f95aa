"""Sluice-issued keys (:mod:`sluice.auth.keys`): their hashes and what each one may do."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Text
from sqlmodel import Field, SQLModel

__all__ = ["ApiKey"]


class ApiKey(SQLModel, table=True):
    """One issued key. ``hash`` is the SHA-256 of the key; the key itself is never stored.

    ``models`` is JSON text: a list of ``fnmatch`` patterns, empty for any model.
    ``updated_at`` changes with every change a worker must see (creation, revocation), not
    with ``last_used_at``, so a worker's poll (``sluice.store.keys.keys_version``) is cheap.
    """

    __tablename__ = "api_keys"

    id: str = Field(primary_key=True, max_length=32)  # key_ + 12 hex: public, not secret
    hash: str = Field(max_length=64, unique=True)
    user: str = Field(max_length=200)
    team: str | None = Field(default=None, max_length=200)
    models: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    expires_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    tokens_per_day: int | None = None
    usd_per_day: float | None = None  # the holder's own dollar budgets (migration 0006)
    usd_per_month: float | None = None
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    last_used_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
