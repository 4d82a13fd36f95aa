"""Content-addressed storage for large request parts repeated across exchanges."""

from __future__ import annotations

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

__all__ = ["Blob", "ExchangeBlob"]


class Blob(SQLModel, table=True):
    """A JSON value (a tools list, a system prompt) stored once, whoever sends it.

    Coding agents resend 60 KB of tool schemas with every turn; requests refer to them by
    ``digest`` (``{"$blob": digest}`` in ``exchanges.request_rest``).
    """

    __tablename__ = "blobs"

    digest: str = Field(primary_key=True, max_length=71)
    content: str = Field(sa_column=Column(Text, nullable=False))


class ExchangeBlob(SQLModel, table=True):
    """Which exchange refers to which blob: lets ``prune`` find blobs nobody needs."""

    __tablename__ = "exchange_blobs"

    exchange_id: str = Field(
        primary_key=True, foreign_key="exchanges.id", ondelete="CASCADE", max_length=200
    )
    digest: str = Field(primary_key=True, foreign_key="blobs.digest", index=True, max_length=71)
