"""What happened during an exchange: policy decisions, judge verdicts, errors."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Text
from sqlmodel import Field, SQLModel

__all__ = ["Event"]


class Event(SQLModel, table=True):
    """One event of an exchange; ``data`` is JSON text with whatever else explains it."""

    __tablename__ = "events"

    id: int | None = Field(default=None, primary_key=True)
    exchange_id: str = Field(
        foreign_key="exchanges.id", ondelete="CASCADE", index=True, max_length=200
    )
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    kind: str = Field(max_length=16)  # decision, judge or error (sluice.store.EventKind)
    policy: str | None = Field(default=None, max_length=200)
    action: str | None = Field(default=None, max_length=32)
    reason: str | None = Field(default=None, sa_column=Column(Text))
    latency_ms: float | None = None
    data: str | None = Field(default=None, sa_column=Column(Text))
