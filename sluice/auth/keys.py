"""Sluice-issued keys: their format, their hash, and the record a worker checks.

A key is ``sk-sluice-`` followed by 32 URL-safe characters (192 random bits). The client
holds the only copy: the store keeps its SHA-256 (:func:`hash_key`) and a short public id
(``key_`` + 12 hex characters) that names it in lists, logs and the event log.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fnmatch import fnmatchcase

__all__ = [
    "KEY_PREFIX",
    "KeyRecord",
    "generate_key",
    "hash_key",
    "looks_like_key",
    "parse_expiry",
]

KEY_PREFIX = "sk-sluice-"
_SECRET_BYTES = 24  # 192 bits; token_urlsafe writes them as 32 characters
# At least 128 bits (22 base64 characters); longer allowed so the format may grow.
_SHAPE = re.compile(re.escape(KEY_PREFIX) + r"[A-Za-z0-9_-]{22,128}")


def generate_key() -> tuple[str, str]:
    """A new ``(key_id, secret)``. ``secret`` is the whole key the client sends;
    ``key_id`` is random too, not derived from the secret, so it reveals nothing.

    >>> key_id, secret = generate_key()
    >>> key_id.startswith("key_"), secret.startswith("sk-sluice-"), looks_like_key(secret)
    (True, True, True)
    """
    return "key_" + secrets.token_hex(6), KEY_PREFIX + secrets.token_urlsafe(_SECRET_BYTES)


def hash_key(secret: str) -> str:
    """The SHA-256 (hex) of the whole key string: what the store keeps and looks up.

    A fast hash is the right one here: slow password hashes (bcrypt, Argon2) exist to make
    guessing low-entropy passwords expensive, but a key has ≥ 128 random bits, so no amount
    of guessing finds one, while the check runs on every request and must cost microseconds.
    """
    return hashlib.sha256(secret.encode()).hexdigest()


_DURATION = re.compile(r"(\d+)([wdhm])")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}


def parse_expiry(text: str, now: datetime) -> datetime:
    """When a key created at ``now`` with expiry ``text`` expires: a duration (``90d``,
    ``12h``, ``2w``, ``30m``) or an ISO 8601 date or time (UTC unless it says otherwise).
    Raises ValueError with a message fit for the user.

    >>> parse_expiry("90d", datetime(2026, 1, 1, tzinfo=UTC)).date()
    datetime.date(2026, 4, 1)
    """
    text = text.strip()
    match = _DURATION.fullmatch(text)
    if match:
        amount = int(match.group(1))
        if amount == 0:
            raise ValueError(f"a key cannot expire in {text!r}: use more than 0")
        return now + timedelta(**{_UNITS[match.group(2)]: amount})
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"expected a duration like 90d, 12h, 2w or 30m, or a date like 2027-01-31, not {text!r}"
        ) from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if moment <= now:
        raise ValueError(f"{text!r} is in the past")
    return moment


def looks_like_key(value: str) -> bool:
    """Whether ``value`` has the shape of a Sluice key (prefix, length, characters), so a
    malformed credential is refused without a lookup.

    >>> looks_like_key("sk-sluice-" + "a" * 32), looks_like_key("sk-ant-api03-x")
    (True, False)
    """
    return _SHAPE.fullmatch(value) is not None


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """A key as stored: who holds it and what it may do; never the key itself.

    ``models`` are ``fnmatch`` patterns (``claude-*``); empty means any model.
    ``tokens_per_day`` is the holder's daily token budget, ``usd_per_day`` and
    ``usd_per_month`` its own dollar budgets, ``None`` for none.
    Times are timezone-aware (UTC).
    """

    id: str
    hash: str
    user: str
    team: str | None
    models: tuple[str, ...]
    expires_at: datetime | None
    revoked_at: datetime | None
    tokens_per_day: int | None
    created_at: datetime
    last_used_at: datetime | None
    usd_per_day: float | None = None
    usd_per_month: float | None = None

    def usable(self, now: datetime) -> bool:
        """Not revoked, and not expired at ``now`` (aware)."""
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)

    def allows_model(self, model: str | None) -> bool:
        """Whether the key may call ``model``. A request that names no model passes only
        a key that is not restricted to some models."""
        if not self.models:
            return True
        return model is not None and any(fnmatchcase(model, p) for p in self.models)
