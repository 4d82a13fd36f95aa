"""Who a client says it is, made readable: Claude Code's ``metadata.user_id`` and the like.

Claude Code sends ``metadata.user_id`` as a JSON-encoded string with ``device_id`` (a long
hex id), ``account_uuid`` (empty without a claude.ai login) and ``session_id``. Shown raw
it is noise that hides the user; :func:`readable_user` turns it into the user and the device
it names, and leaves any other value (an OpenAI ``user``, an email) as the client sent it::

    >>> readable_user('{"device_id": "5f1e2d3c4b5a69788796a5b4c3d2e1f0aa", '
    ...               '"account_uuid": "0b5c9e4e-1111-2222-3333-444455556666", '
    ...               '"session_id": "b7a0"}')
    'account 0b5c9e4e-1111-2222-3333-444455556666, device 5f1e2d3c4b5a'
"""

from __future__ import annotations

import json
from dataclasses import dataclass

__all__ = ["ClientUser", "parse_user_id", "readable_user"]

_DEVICE_CHARS = 12  # enough to tell a user's machines apart, short enough to read
_MAX = 200  # the store's column


@dataclass(frozen=True, slots=True)
class ClientUser:
    """The parts of a structured ``user_id`` (each ``None`` when absent or empty)."""

    account: str | None = None
    device: str | None = None
    session: str | None = None


def parse_user_id(raw: str) -> ClientUser | None:
    """The parts of Claude Code's JSON ``user_id``; ``None`` when ``raw`` is not one."""
    if not raw.startswith("{"):
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    parts = [value.get(k) for k in ("account_uuid", "device_id", "session_id")]
    account, device, session = (p if isinstance(p, str) and p else None for p in parts)
    if account is None and device is None and session is None:
        return None
    return ClientUser(account, device, session)


def readable_user(raw: str | None) -> str | None:
    """``raw`` as a person reads it: ``account <uuid>, device <id>`` for Claude Code's JSON
    (``device <id>`` without a login), otherwise ``raw`` itself, at most 200 characters.
    Applying it twice changes nothing."""
    if not raw:
        return None
    user = parse_user_id(raw)
    if user is None:
        return raw[:_MAX]
    parts = []
    if user.account:
        parts.append(f"account {user.account}")
    if user.device:
        parts.append(f"device {user.device[:_DEVICE_CHARS]}")
    if not parts:
        return None  # only a session id: it names no one
    return ", ".join(parts)[:_MAX]
