"""Who a request comes from, without keeping anything secret: key fingerprints, sessions.

Credentials never leave this module: a key becomes a short fingerprint, and the headers a
policy (or the event log) sees have every credential removed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from sluice.model import Request, Text
from sluice.store.records import client_fingerprint

__all__ = ["CREDENTIAL_HEADERS", "fingerprint", "public_headers", "session_id"]

CREDENTIAL_HEADERS = frozenset(
    {"authorization", "x-api-key", "api-key", "proxy-authorization", "cookie", "x-goog-api-key"}
)


def fingerprint(headers: Mapping[str, str]) -> str | None:
    """A short, stable, non-reversible id of the client's API key (``None`` without one).

    >>> fingerprint({"x-api-key": "sk-ant-example"}) == fingerprint(
    ...     {"authorization": "Bearer sk-ant-example"})
    True
    """
    key = headers.get("x-api-key") or headers.get("api-key")
    if not key:
        auth = headers.get("authorization", "")
        scheme, _, value = auth.partition(" ")
        key = value.strip() if scheme.lower() == "bearer" else ""
    return client_fingerprint(key) if key else None


def public_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers without credentials or HTTP/2 pseudo-headers."""
    return {
        k: v for k, v in headers.items() if k not in CREDENTIAL_HEADERS and not k.startswith(":")
    }


def session_id(headers: Mapping[str, str], request: Request) -> str | None:
    """The conversation's id: from the client when it says (Claude Code's header, or the
    ``session_id`` inside ``metadata.user_id``), else a stable hash of the first user message
    (clients resend the whole conversation, so every turn hashes the same)."""
    if sid := headers.get("x-claude-code-session-id"):
        return sid
    metadata = request.body.get("metadata")
    if isinstance(metadata, dict) and isinstance(user_id := metadata.get("user_id"), str):
        try:
            decoded = json.loads(user_id)
        except ValueError:
            decoded = None
        if isinstance(decoded, dict) and isinstance(decoded.get("session_id"), str):
            return str(decoded["session_id"])
    for message in request.messages:
        if message.role == "user":
            text = "".join(b.text for b in message.blocks if isinstance(b, Text))
            return "h:" + hashlib.sha256(text.encode()).hexdigest()[:16]
    return None
