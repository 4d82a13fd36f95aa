"""Who a request comes from, without keeping anything secret: key fingerprints, sessions.

Credentials never leave this module: a key becomes a short fingerprint, and the headers a
policy (or the event log) sees have every credential removed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from sluice.model import Request, Text
from sluice.store.records import client_fingerprint
from sluice.store.users import parse_user_id

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


def session_id(
    headers: Mapping[str, str], request: Request, scope: str | None = None
) -> str | None:
    """The conversation's id, scoped to ``scope``: who is asking (the key's fingerprint, or
    the authenticated user when there is one), so two clients never share a session.

    The client's own id when it says (Claude Code's header, or the ``session_id`` inside
    ``metadata.user_id``), else a stable hash of the first user message (clients resend the
    whole conversation, so every turn hashes the same) and of ``scope``: two people who both
    open with "hi" get two sessions. A client's own id is suffixed with ``@scope``, so one
    client cannot add turns to another's session by naming it::

        >>> session_id({"x-claude-code-session-id": "7f3e"}, request, scope="key:ab12")
        '7f3e@key:ab12'
    """
    sid = headers.get("x-claude-code-session-id") or _metadata_session(request)
    if sid:
        return _scoped(sid, scope)
    messages = request.messages
    first = next((m for m in messages if m.role == "user"), messages[0] if messages else None)
    if first is None:
        return None
    text = "".join(b.text for b in first.blocks if isinstance(b, Text))
    return "h:" + _hash(f"{scope or ''}\0{text}")


_MAX_OWN = 120  # a client's own id longer than this is hashed: the store keeps 200 characters
_MAX_SCOPE = 40


def _scoped(sid: str, scope: str | None) -> str:
    if len(sid) > _MAX_OWN:
        sid = "c:" + _hash(sid)
    if scope is None:
        return sid
    return f"{sid}@{scope if len(scope) <= _MAX_SCOPE else _hash(scope)}"


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _metadata_session(request: Request) -> str | None:
    """The ``session_id`` inside Claude Code's JSON ``metadata.user_id``, if any."""
    metadata = request.body.get("metadata")
    if not isinstance(metadata, dict) or not isinstance(user_id := metadata.get("user_id"), str):
        return None
    user = parse_user_id(user_id)
    return user.session if user is not None else None
