"""What a session's client said about where it runs, and a model-written title.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 22:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None

_COLUMNS = ("title_messages", "title", "git_branch", "git_repo", "platform", "cwd")
_INDEXES = {"ix_sessions_cwd_last_seen": "cwd", "ix_sessions_git_branch_last_seen": "git_branch"}


def upgrade() -> None:
    # Nullable columns without a default: SQLite adds them in place, Postgres without a rewrite.
    op.add_column("sessions", sa.Column("cwd", sa.String(length=1000), nullable=True))
    op.add_column("sessions", sa.Column("platform", sa.String(length=32), nullable=True))
    op.add_column("sessions", sa.Column("git_repo", sa.Boolean(), nullable=True))
    op.add_column("sessions", sa.Column("git_branch", sa.String(length=200), nullable=True))
    op.add_column("sessions", sa.Column("title", sa.String(length=200), nullable=True))
    op.add_column("sessions", sa.Column("title_messages", sa.Integer(), nullable=True))
    for name, column in _INDEXES.items():
        op.create_index(name, "sessions", [column, "last_seen"])


def downgrade() -> None:
    for name in _INDEXES:
        op.drop_index(name, table_name="sessions")
    # SQLite cannot drop a column in place: batch mode copies the table.
    with op.batch_alter_table("sessions") as batch:
        for column in _COLUMNS:
            batch.drop_column(column)
