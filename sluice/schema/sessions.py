"""Conversations: one row per session the gateway has seen."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Index
from sqlmodel import Field, SQLModel

__all__ = ["Session"]


class Session(SQLModel, table=True):
    """A conversation, as the client identified it (or as Sluice hashed it).

    A client that rewrites its history (compaction, an edited turn) does not overwrite
    what was stored: the new history becomes a child session whose ``parent_id`` is the
    session it diverged from and whose first ``fork_seq`` messages are the parent's.
    ``root_id`` is the client's own session id, shared by a session and all its children.

    What the client said about where it runs (Claude Code's environment and git-status
    context: working directory, platform, whether it is a git repository, the branch) is
    kept as the latest request stated it (:mod:`sluice.store.insights`): a claim, like the
    session id, never verified. ``title`` is written by a model after the session was
    written (``session_titles``), from its first ``title_messages`` messages; without one
    the history shows the first prompt.
    """

    __tablename__ = "sessions"
    __table_args__ = (
        Index("ix_sessions_last_seen", "last_seen"),
        Index("ix_sessions_user_last_seen", "user_id", "last_seen"),
        Index("ix_sessions_root", "root_id"),
        Index("ix_sessions_cwd_last_seen", "cwd", "last_seen"),
        Index("ix_sessions_git_branch_last_seen", "git_branch", "last_seen"),
    )

    id: str = Field(primary_key=True, max_length=200)
    root_id: str = Field(max_length=200)
    parent_id: str | None = Field(default=None, foreign_key="sessions.id", max_length=200)
    fork_seq: int = 0  # messages [0:fork_seq] are the parent's
    client: str | None = Field(default=None, max_length=64)  # a fingerprint, never a key
    user_id: str | None = Field(default=None, max_length=200)
    first_seen: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    last_seen: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    cwd: str | None = Field(default=None, max_length=1000)  # the client's working directory
    platform: str | None = Field(default=None, max_length=32)  # linux, darwin, win32, ...
    git_repo: bool | None = None  # the working directory is a git repository
    git_branch: str | None = Field(default=None, max_length=200)  # its branch at the start
    title: str | None = Field(default=None, max_length=200)  # a model's summary
    title_messages: int | None = None  # the number of messages the title was written from
