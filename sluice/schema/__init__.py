"""The event-log schema: tables (one module per concern) and versioned migrations.

Postgres in production, a SQLite file by default; one migration history serves both.
Apply it with :func:`upgrade` (``sluice db upgrade``); the gateway checks it with
:func:`check_version` at start.
"""

from __future__ import annotations

from sluice.schema.commands import (
    PruneResult,
    SchemaError,
    check_version,
    head_revision,
    prune,
    upgrade,
)
from sluice.schema.tables import (
    ApiKey,
    Blob,
    BudgetUsage,
    Event,
    Exchange,
    ExchangeBlob,
    Message,
    PolicyVersion,
    Review,
    Session,
    metadata,
)
from sluice.schema.urls import async_url, create_engine

__all__ = [
    "ApiKey",
    "Blob",
    "BudgetUsage",
    "Event",
    "Exchange",
    "ExchangeBlob",
    "Message",
    "PolicyVersion",
    "PruneResult",
    "Review",
    "SchemaError",
    "Session",
    "async_url",
    "check_version",
    "create_engine",
    "head_revision",
    "metadata",
    "prune",
    "upgrade",
]
