"""Slowing down key guessing: failed logins counted per client address.

After ``attempts`` failed logins (a wrong key in the login form or in ``Authorization``)
from one address within ``window_s`` seconds, that address gets ``429 Too Many Requests``
with ``Retry-After`` until the window ends, whatever key it sends; a successful login
forgets its failures. In memory, per admin server; at most ``max_tracked`` addresses are
remembered (the least recently failing are forgotten first)::

    throttle = LoginThrottle(attempts=10, window_s=60)
    if (wait := throttle.retry_after(address)) is not None:
        ...  # refuse with 429, Retry-After: wait
    throttle.failed(address)
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable

__all__ = ["LoginThrottle"]


class LoginThrottle:
    """Counts failed logins per address in fixed windows (see the module docstring)."""

    def __init__(
        self,
        *,
        attempts: int = 10,
        window_s: float = 60.0,
        max_tracked: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if attempts < 1 or window_s <= 0 or max_tracked < 1:
            raise ValueError("attempts, window_s and max_tracked must be positive")
        self.attempts = attempts
        self.window_s = window_s
        self._max = max_tracked
        self._clock = clock
        self._failures: OrderedDict[str, tuple[float, int]] = OrderedDict()  # start, count

    def retry_after(self, address: str | None) -> int | None:
        """Whole seconds ``address`` must wait before trying again; ``None``: it may try."""
        entry = self._failures.get(address or "")
        if entry is None:
            return None
        start, count = entry
        left = start + self.window_s - self._clock()
        if left <= 0:
            del self._failures[address or ""]
            return None
        return math.ceil(left) if count >= self.attempts else None

    def failed(self, address: str | None) -> None:
        """Count a failed login from ``address``."""
        key, now = address or "", self._clock()
        start, count = self._failures.pop(key, (now, 0))
        if now - start >= self.window_s:
            start, count = now, 0
        self._failures[key] = (start, count + 1)
        while len(self._failures) > self._max:
            self._failures.popitem(last=False)

    def succeeded(self, address: str | None) -> None:
        """A login from ``address`` succeeded: forget its failures."""
        self._failures.pop(address or "", None)
