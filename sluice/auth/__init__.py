"""Who is calling: Sluice-issued keys (:mod:`.keys`) and the identity they carry."""

from __future__ import annotations

from sluice.auth.keys import (
    KEY_PREFIX,
    KeyRecord,
    generate_key,
    hash_key,
    looks_like_key,
    parse_expiry,
)

__all__ = ["KEY_PREFIX", "KeyRecord", "generate_key", "hash_key", "looks_like_key", "parse_expiry"]
