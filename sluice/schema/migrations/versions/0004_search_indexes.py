"""Full-text search indexes (Postgres only) for the history API's session search.

The history API searches the strings of stored messages and responses with
``jsonb_to_tsvector('simple', ...)``; these expression indexes spell the same expression, so
a search reads the index instead of every message. SQLite searches by substring, unindexed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 21:00:00.000000
"""

from __future__ import annotations

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

_STRINGS = "jsonb_to_tsvector('simple'::regconfig, {column}::jsonb, '[\"string\"]'::jsonb)"
_INDEXES = {
    "ix_messages_search": ("messages", "content"),
    "ix_exchanges_search": ("exchanges", "response"),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, (table, column) in _INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON {table} USING gin (({_STRINGS.format(column=column)}))")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in _INDEXES:
        op.execute(f"DROP INDEX {name}")
