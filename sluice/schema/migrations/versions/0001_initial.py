"""The initial schema: sessions, messages, blobs, exchanges, events.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-25 19:16:27.384053
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "blobs",
        sa.Column("digest", sa.String(length=71), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("digest"),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("root_id", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.String(length=200), nullable=True),
        sa.Column("fork_seq", sa.Integer(), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=True),
        sa.Column("user_id", sa.String(length=200), nullable=True),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["sessions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sessions_last_seen", "sessions", ["last_seen"], unique=False)
    op.create_index("ix_sessions_root", "sessions", ["root_id"], unique=False)
    op.create_index(
        "ix_sessions_user_last_seen", "sessions", ["user_id", "last_seen"], unique=False
    )

    op.create_table(
        "exchanges",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("route", sa.String(length=200), nullable=True),
        sa.Column("provider", sa.String(length=200), nullable=True),
        sa.Column("format", sa.String(length=32), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=True),
        sa.Column("client", sa.String(length=64), nullable=True),
        sa.Column("user_id", sa.String(length=200), nullable=True),
        sa.Column("session_id", sa.String(length=200), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("streamed", sa.Boolean(), nullable=False),
        sa.Column("input_tokens", sa.Integer(), nullable=True),
        sa.Column("output_tokens", sa.Integer(), nullable=True),
        sa.Column("cache_read_tokens", sa.Integer(), nullable=True),
        sa.Column("cache_creation_tokens", sa.Integer(), nullable=True),
        sa.Column("reasoning_tokens", sa.Integer(), nullable=True),
        sa.Column("ttft_ms", sa.Float(), nullable=True),
        sa.Column("duration_ms", sa.Float(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("history_len", sa.Integer(), nullable=False),
        sa.Column("request_rest", sa.Text(), nullable=False),
        sa.Column("request_sent", sa.Text(), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("response_delivered", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_exchanges_model_started_at", "exchanges", ["model", "started_at"], unique=False
    )
    op.create_index(
        "ix_exchanges_outcome_started_at", "exchanges", ["outcome", "started_at"], unique=False
    )
    op.create_index(
        "ix_exchanges_session_started_at", "exchanges", ["session_id", "started_at"], unique=False
    )
    op.create_index("ix_exchanges_started_at", "exchanges", ["started_at"], unique=False)
    op.create_index(
        "ix_exchanges_user_started_at", "exchanges", ["user_id", "started_at"], unique=False
    )

    op.create_table(
        "messages",
        sa.Column("session_id", sa.String(length=200), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=71), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
        ),
        sa.PrimaryKeyConstraint("session_id", "seq"),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exchange_id", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("policy", sa.String(length=200), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("latency_ms", sa.Float(), nullable=True),
        sa.Column("data", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["exchange_id"], ["exchanges.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_events_exchange_id"), "events", ["exchange_id"], unique=False)

    op.create_table(
        "exchange_blobs",
        sa.Column("exchange_id", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=71), nullable=False),
        sa.ForeignKeyConstraint(
            ["digest"],
            ["blobs.digest"],
        ),
        sa.ForeignKeyConstraint(["exchange_id"], ["exchanges.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("exchange_id", "digest"),
    )
    op.create_index(op.f("ix_exchange_blobs_digest"), "exchange_blobs", ["digest"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_exchange_blobs_digest"), table_name="exchange_blobs")

    op.drop_table("exchange_blobs")
    op.drop_index(op.f("ix_events_exchange_id"), table_name="events")

    op.drop_table("events")
    op.drop_table("messages")
    op.drop_index("ix_exchanges_user_started_at", table_name="exchanges")
    op.drop_index("ix_exchanges_started_at", table_name="exchanges")
    op.drop_index("ix_exchanges_session_started_at", table_name="exchanges")
    op.drop_index("ix_exchanges_outcome_started_at", table_name="exchanges")
    op.drop_index("ix_exchanges_model_started_at", table_name="exchanges")

    op.drop_table("exchanges")
    op.drop_index("ix_sessions_user_last_seen", table_name="sessions")
    op.drop_index("ix_sessions_root", table_name="sessions")
    op.drop_index("ix_sessions_last_seen", table_name="sessions")

    op.drop_table("sessions")
    op.drop_table("blobs")
