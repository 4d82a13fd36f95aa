"""Exchanges: one row per request/response through the gateway."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Index, Text
from sqlmodel import Field, SQLModel

from sluice.schema.search import search_index

__all__ = ["Exchange"]


class Exchange(SQLModel, table=True):
    """One exchange. JSON columns are text so SQLite and Postgres store the same bytes.

    The request as received is ``request_rest`` (the body without its conversation, large
    parts replaced by ``{"$blob": digest}``) plus ``messages[0:history_len]`` of the
    session, respelled where ``$form`` says the request wrote a message's content as a
    string and the stored copy as one text block, or the other way round (see
    ``sluice.store.codec``). ``request_sent`` and ``response_delivered`` are set only when
    a policy changed them. There is no column for headers: credentials never reach the
    store, the client is a fingerprint (or, with ``auth:``, the caller's user, team and key
    id).
    """

    __tablename__ = "exchanges"
    __table_args__ = (
        Index("ix_exchanges_started_at", "started_at"),
        Index("ix_exchanges_session_started_at", "session_id", "started_at"),
        Index("ix_exchanges_user_started_at", "user_id", "started_at"),
        Index("ix_exchanges_model_started_at", "model", "started_at"),
        Index("ix_exchanges_outcome_started_at", "outcome", "started_at"),
        Index("ix_exchanges_auth_user_started_at", "user", "started_at"),
        Index("ix_exchanges_team_started_at", "team", "started_at"),
        Index("ix_exchanges_key_started_at", "key_id", "started_at"),
        search_index("ix_exchanges_search", "response"),
    )

    id: str = Field(primary_key=True, max_length=200)
    started_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    route: str | None = Field(default=None, max_length=200)
    provider: str | None = Field(default=None, max_length=200)
    format: str = Field(max_length=32)
    model: str | None = Field(default=None, max_length=200)
    client: str | None = Field(default=None, max_length=64)
    user_id: str | None = Field(default=None, max_length=200)
    session_id: str | None = Field(default=None, foreign_key="sessions.id", max_length=200)
    # Who called, as authenticated (``auth:``): a key's holder or a token's claims.
    # ``user_id`` above is what the request body said; these the client cannot choose.
    user: str | None = Field(default=None, max_length=200)
    team: str | None = Field(default=None, max_length=200)
    key_id: str | None = Field(default=None, max_length=32)  # a key's public id, never a key
    status: int | None = None
    streamed: bool = False
    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_read_tokens: int | None = None
    cache_creation_tokens: int | None = None
    reasoning_tokens: int | None = None
    # The usage at the model's price (list prices or the config's), in US dollars; None
    # when the model had no price.
    cost_usd: float | None = None
    ttft_ms: float | None = None
    duration_ms: float | None = None
    outcome: str = Field(max_length=16)  # ok, refused, blocked, modified, error (Outcome)
    history_len: int = 0
    request_rest: str = Field(sa_column=Column(Text, nullable=False))
    request_sent: str | None = Field(default=None, sa_column=Column(Text))
    response: str | None = Field(default=None, sa_column=Column(Text))
    response_delivered: str | None = Field(default=None, sa_column=Column(Text))
