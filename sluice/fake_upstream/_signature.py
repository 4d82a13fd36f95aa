"""Thinking-block signatures the fake upstream can verify when they come back.

The real API rejects a conversation whose thinking block was altered, because the block's
``signature`` no longer matches its text. The fake upstream reproduces that: it signs every
thinking block it emits with a digest of the text, and validation recomputes it. A test that
needs a valid historic thinking block builds one with ``thinking_signature(text)``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

__all__ = ["signature_matches", "thinking_signature"]

_KEY = b"sluice-fake-upstream"
_PREFIX = b"\x12\x08fakesig"  # looks like the protobuf-ish bytes of a real signature


def thinking_signature(thinking: str) -> str:
    """The signature the fake upstream gives a thinking block with this text.

    >>> thinking_signature("Let me think.") == thinking_signature("Let me think.")
    True
    """
    digest = hmac.new(_KEY, thinking.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(_PREFIX + digest).decode("ascii")


def signature_matches(thinking: str, signature: str) -> bool:
    """Whether ``signature`` is the one the fake upstream issued for ``thinking``."""
    return hmac.compare_digest(thinking_signature(thinking), signature)
