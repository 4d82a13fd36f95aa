"""Every table, imported once so that ``metadata`` knows them all (Alembic needs that)."""

from __future__ import annotations

from sqlmodel import SQLModel

from sluice.schema.blobs import Blob, ExchangeBlob
from sluice.schema.budgets import BudgetUsage
from sluice.schema.events import Event
from sluice.schema.exchanges import Exchange
from sluice.schema.keys import ApiKey
from sluice.schema.messages import Message
from sluice.schema.policy_versions import PolicyVersion
from sluice.schema.reviews import Review
from sluice.schema.sessions import Session

__all__ = [
    "ApiKey",
    "Blob",
    "BudgetUsage",
    "Event",
    "Exchange",
    "ExchangeBlob",
    "Message",
    "PolicyVersion",
    "Review",
    "Session",
    "metadata",
]

metadata = SQLModel.metadata
