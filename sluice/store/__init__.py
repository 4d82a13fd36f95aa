"""Recording exchanges: linear conversation storage over :mod:`sluice.schema`.

The data path builds :class:`ExchangeRecord` objects (plain data, no SQL); a single
writer hands batches of them to :meth:`Store.write`. Each turn stores only what is new:
the messages its session did not hold yet, blobs (tools, system prompt) not seen before,
and the rest of the request. :meth:`Store.read_session` reads a session back.
"""

from __future__ import annotations

from sluice.store.activity import Activity
from sluice.store.listing import CursorError, SessionFilter, SessionPage, SessionSummary
from sluice.store.records import Decision, EventKind, ExchangeRecord, Outcome, client_fingerprint
from sluice.store.store import Store
from sluice.store.transcript import StoredExchange, Transcript

__all__ = [
    "Activity",
    "CursorError",
    "Decision",
    "EventKind",
    "ExchangeRecord",
    "Outcome",
    "SessionFilter",
    "SessionPage",
    "SessionSummary",
    "Store",
    "StoredExchange",
    "Transcript",
    "client_fingerprint",
]
