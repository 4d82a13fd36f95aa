"""What each exchange cost (its usage at the model's price, in US dollars), and a key's own
dollar budgets per day and per month.

Dollar budgets need no table of their own: their counters live in ``budget_usage`` beside
the token budgets' (named ``usd.client=...``, counted in millionths of a dollar).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 22:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Nullable without a default: SQLite adds it in place, Postgres without a rewrite.
    op.add_column("exchanges", sa.Column("cost_usd", sa.Float(), nullable=True))
    op.add_column("api_keys", sa.Column("usd_per_day", sa.Float(), nullable=True))
    op.add_column("api_keys", sa.Column("usd_per_month", sa.Float(), nullable=True))


def downgrade() -> None:
    # SQLite cannot drop a column in place: batch mode copies the table.
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("usd_per_month")
        batch.drop_column("usd_per_day")
    with op.batch_alter_table("exchanges") as batch:
        batch.drop_column("cost_usd")
