"""Identifiers shaped like the providers' own (prefix, length, alphabet).

They are drawn from a seed derived from the request, so the same request always gets the
same ids: a reply read through a gateway can be compared byte for byte with the same request
sent directly. Different requests get different ids, so a conversation never sees a tool
call id twice (each turn's request differs from the last).
"""

from __future__ import annotations

import hashlib
import random
import string
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["BASE62", "HEX", "Ids"]

BASE62 = string.ascii_letters + string.digits
HEX = "0123456789abcdef"


class Ids:
    """A source of ids for one request.

    >>> Ids.for_request("POST", "/v1/messages", b"{}", {}).make("toolu_01", 4) == (
    ...     Ids.for_request("POST", "/v1/messages", b"{}", {}).make("toolu_01", 4))
    True
    """

    def __init__(self, seed: bytes) -> None:
        self._random = random.Random(seed)

    @classmethod
    def for_request(cls, method: str, path: str, body: bytes, headers: Mapping[str, str]) -> Ids:
        """Seeded by what decides the reply: method, path, body and the ``x-fake-*`` headers."""
        digest = hashlib.sha256(f"{method} {path}\n".encode())
        for name, value in sorted(headers.items()):
            if name.lower().startswith("x-fake-"):
                digest.update(f"{name.lower()}: {value}\n".encode())
        digest.update(body)
        return cls(digest.digest())

    def make(self, prefix: str, length: int, alphabet: str = BASE62) -> str:
        """The next id, e.g. ``make("toolu_01", 22)`` -> ``toolu_01Xa9...``."""
        return prefix + "".join(self._random.choice(alphabet) for _ in range(length))
