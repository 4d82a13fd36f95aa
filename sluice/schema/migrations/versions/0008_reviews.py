"""The review queue: tool calls escalated to a person, shared by every replica.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 22:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("on_deadline", sa.String(length=8), nullable=False),
        sa.Column("outcome", sa.String(length=8), nullable=True),
        sa.Column("tool", sa.String(length=200), nullable=False),
        sa.Column("arguments", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("policy", sa.String(length=200), nullable=False),
        sa.Column("session", sa.String(length=200), nullable=True),
        sa.Column("user", sa.String(length=200), nullable=True),
        sa.Column("team", sa.String(length=200), nullable=True),
        sa.Column("client", sa.String(length=64), nullable=True),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reviews_status_created_at", "reviews", ["status", "created_at"])
    op.create_index("ix_reviews_key_created_at", "reviews", ["key", "created_at"])
    pending = sa.text("status = 'pending'")
    op.create_index(
        "ux_reviews_pending_key",
        "reviews",
        ["key"],
        unique=True,
        sqlite_where=pending,
        postgresql_where=pending,
    )


def downgrade() -> None:
    op.drop_index("ux_reviews_pending_key", table_name="reviews")
    op.drop_index("ix_reviews_key_created_at", table_name="reviews")
    op.drop_index("ix_reviews_status_created_at", table_name="reviews")
    op.drop_table("reviews")
