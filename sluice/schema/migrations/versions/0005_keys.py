"""Sluice-issued keys (their hashes) and who made each exchange (user, team, key id).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 14:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None

_INDEXES = {
    "ix_exchanges_auth_user_started_at": "user",
    "ix_exchanges_team_started_at": "team",
    "ix_exchanges_key_started_at": "key_id",
}


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("user", sa.String(length=200), nullable=False),
        sa.Column("team", sa.String(length=200), nullable=True),
        sa.Column("models", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tokens_per_day", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hash"),
    )
    # Nullable columns without a default: SQLite adds them in place, Postgres without a rewrite.
    op.add_column("exchanges", sa.Column("user", sa.String(length=200), nullable=True))
    op.add_column("exchanges", sa.Column("team", sa.String(length=200), nullable=True))
    op.add_column("exchanges", sa.Column("key_id", sa.String(length=32), nullable=True))
    for name, column in _INDEXES.items():
        op.create_index(name, "exchanges", [column, "started_at"])


def downgrade() -> None:
    for name in _INDEXES:
        op.drop_index(name, table_name="exchanges")
    # SQLite cannot drop a column in place: batch mode copies the table.
    with op.batch_alter_table("exchanges") as batch:
        for column in ("key_id", "team", "user"):
            batch.drop_column(column)
    op.drop_table("api_keys")
