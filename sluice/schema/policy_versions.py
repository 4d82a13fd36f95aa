"""Policy changes made through the admin API: each applied config is a version, and each
version is also the audit entry of the change that made it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Text
from sqlmodel import Field, SQLModel

__all__ = ["PolicyVersion"]


class PolicyVersion(SQLModel, table=True):
    """One change of the policies (``policies``, ``chains``, ``select``) in force.

    The newest row is what every worker of every replica runs. ``config`` is JSON text of
    the three settings, or ``NULL`` when the change went back to the config file's own.
    Secret values are never stored: a secret the API left masked is kept masked here and
    taken from the config file when the chains are built.
    """

    __tablename__ = "policy_versions"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    action: str = Field(max_length=16)  # apply, revert (to a version) or file (back to it)
    reverted_to: int | None = None  # the version a revert copied
    author_role: str = Field(max_length=16)  # admin (the only role allowed to change)
    author_key: str | None = Field(default=None, max_length=64)  # a fingerprint, never a key
    comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    config: str | None = Field(default=None, sa_column=Column(Text))
    diff: str = Field(default="", sa_column=Column(Text, nullable=False))
