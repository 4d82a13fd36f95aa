"""What the data path knows of one exchange, handed to the store in one plain object.

Nothing here imports SQL: the data path builds :class:`ExchangeRecord` objects and puts
them on the recorder's queue; only the writer turns them into rows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sluice.model import Format, Response, Usage

__all__ = ["Decision", "EventKind", "ExchangeRecord", "Outcome", "client_fingerprint"]

JSON = dict[str, Any]


class Outcome(StrEnum):
    """How an exchange ended, as far as policies are concerned."""

    OK = "ok"  # passed unchanged
    REFUSED = "refused"  # the request never reached the provider
    BLOCKED = "blocked"  # the response was cut or replaced
    MODIFIED = "modified"  # a policy changed the request or the response
    ERROR = "error"  # the provider or the gateway failed


class EventKind(StrEnum):
    DECISION = "decision"  # a policy allowed, changed or blocked something
    JUDGE = "judge"  # an LLM judge's verdict
    ERROR = "error"  # a policy or the gateway failed


@dataclass(slots=True)
class Decision:
    """One policy decision: who (``policy`` in ``hook``) did what (``action``) and why."""

    policy: str
    hook: str
    action: str
    reason: str | None = None
    seconds: float = 0.0  # how long the hook took
    kind: EventKind = EventKind.DECISION
    at: datetime | None = None  # when it was made; the exchange's start if unknown
    data: JSON | None = None  # anything else that explains it (a judge's verdict, ...)


@dataclass(slots=True)
class ExchangeRecord:
    """One exchange as the data path saw it. Times are timezone-aware, durations seconds.

    ``request`` is the body as received; ``request_sent`` is set only when a policy changed
    it, ``response_delivered`` only when the client got something else than ``response``.
    ``client`` is a fingerprint (:func:`client_fingerprint`): there is deliberately no
    field for headers, so a credential has no way into the store; an authenticated caller
    is ``user``, ``team`` and ``key_id`` (a key's public id).
    """

    id: str
    started_at: datetime
    format: Format
    request: JSON
    route: str | None = None
    provider: str | None = None
    model: str | None = None
    client: str | None = None
    user_id: str | None = None  # what the request body said (metadata.user_id, user)
    user: str | None = None  # who authenticated (``auth:``): a key's holder, a token's claim
    team: str | None = None
    key_id: str | None = None  # the Sluice key's public id
    session_id: str | None = None  # the client's own, e.g. X-Claude-Code-Session-Id
    status: int | None = None
    streamed: bool = False
    usage: Usage = field(default_factory=Usage)
    cost_usd: float | None = None  # the usage at the model's price; None: not priced
    ttft: float | None = None
    duration: float | None = None
    outcome: Outcome = Outcome.OK
    request_sent: JSON | None = None
    response: Response | None = None
    response_delivered: Response | None = None
    decisions: list[Decision] = field(default_factory=list)


def client_fingerprint(credential: str) -> str:
    """A short, stable name for the holder of ``credential`` that does not reveal it.

    >>> client_fingerprint("sk-ant-api03-secret")
    'key:9ab0981f54490dd8'
    """
    return "key:" + hashlib.sha256(credential.encode()).hexdigest()[:16]
