"""Token budgets: the tokens each client or team used in each window, shared by replicas."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel

__all__ = ["BudgetUsage"]


class BudgetUsage(SQLModel, table=True):
    """Tokens charged to ``counter`` (``client=key:...`` or ``team=...``) in the window of
    ``period_s`` seconds that starts at ``window_start`` (Unix seconds, UTC-aligned).

    Every sidecar worker adds its own charges to the row and reads the total back; old
    windows are deleted as they expire.
    """

    __tablename__ = "budget_usage"

    period_s: int = Field(primary_key=True)
    window_start: int = Field(sa_column=Column(BigInteger, primary_key=True, nullable=False))
    counter: str = Field(primary_key=True, max_length=300)  # a fingerprint, never a key
    tokens: int = Field(sa_column=Column(BigInteger, nullable=False))
