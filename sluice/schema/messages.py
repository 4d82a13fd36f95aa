"""Conversation messages, each stored once per session."""

from __future__ import annotations

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from sluice.schema.search import search_index

__all__ = ["Message"]


class Message(SQLModel, table=True):
    """Message ``seq`` of a session, as the client sent it (canonical JSON text).

    A request carrying ``history_len`` messages is ``messages[0:history_len]`` of its
    session: every turn adds only the messages that were not stored before, which keeps
    storage linear in a session's length although clients resend the whole history.
    """

    __tablename__ = "messages"
    __table_args__ = (search_index("ix_messages_search", "content"),)

    session_id: str = Field(primary_key=True, foreign_key="sessions.id", max_length=200)
    seq: int = Field(primary_key=True)
    role: str = Field(max_length=32)
    content: str = Field(sa_column=Column(Text, nullable=False))
    digest: str = Field(max_length=71)  # "sha256:" + 64 hex, of ``content`` as stored
