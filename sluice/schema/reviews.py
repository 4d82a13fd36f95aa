"""The review queue: tool calls escalated to a person, and the decisions taken on them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Index, Text, text
from sqlmodel import Field, SQLModel

__all__ = ["Review"]


class Review(SQLModel, table=True):
    """One escalated tool call, held in a stream until ``status`` leaves ``pending``.

    ``key`` names the call within its session (a hash of the caller, the session, the tool
    and its arguments): an identical call waits for, or reuses, the same decision.
    ``status``: ``pending``, ``approved``, ``denied``, or ``expired`` (nobody decided by
    ``deadline_at``; ``outcome`` says what the deadline's default did: ``allow`` or
    ``deny``). ``reviewer`` is who decided as the admin server knew them (a role and a key's
    fingerprint, never a key). ``context`` is an excerpt of the user's last request.
    """

    __tablename__ = "reviews"
    __table_args__ = (
        Index("ix_reviews_status_created_at", "status", "created_at"),
        Index("ix_reviews_key_created_at", "key", "created_at"),
        # One pending review per call: workers of two replicas opening the same call at
        # once race on this index, and the loser joins the winner's review.
        Index(
            "ux_reviews_pending_key",
            "key",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: str = Field(primary_key=True, max_length=32)
    key: str = Field(max_length=64)
    status: str = Field(max_length=16)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    deadline_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    decided_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    on_deadline: str = Field(max_length=8)
    outcome: str | None = Field(default=None, max_length=8)  # allow or deny, once decided
    tool: str = Field(max_length=200)
    arguments: str = Field(sa_column=Column(Text, nullable=False))
    reason: str = Field(sa_column=Column(Text, nullable=False))
    policy: str = Field(max_length=200)
    session: str | None = Field(default=None, max_length=200)
    user: str | None = Field(default=None, max_length=200)
    team: str | None = Field(default=None, max_length=200)
    client: str | None = Field(default=None, max_length=64)
    context: str = Field(default="", sa_column=Column(Text, nullable=False))
    reviewer: str | None = Field(default=None, max_length=200)
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
