"""The Sluice keys a sidecar worker accepts, held in memory and kept fresh from the store.

Every request is checked against this directory (a dictionary lookup by the key's hash),
never against the database. Each worker polls :func:`~sluice.store.keys.keys_version` (one
cheap aggregate query) every ``auth.refresh_interval_s`` and reloads
:func:`~sluice.store.keys.active_keys` only when it changed, so a created key works, and a
revoked one stops working, on every worker of every replica within about one interval.
A well-formed key the directory does not know yet (created a moment ago, on another
replica) triggers one refresh before it is refused: concurrent misses share it, and misses
refresh at most every :data:`MISS_REFRESH_S` (a miss too soon after the last waits for the
next), so a flood of made-up keys costs the store a few cheap version queries a second,
never a lookup each. An expiry needs no poll: it is
checked on every lookup.

While the store cannot be read, the directory keeps the keys it last loaded (traffic goes
on; a revocation then waits for the store). A worker that never loaded them refuses every
key: without the store, nobody can be told apart from a stranger.

A key's last use is recorded by the event-log writer, from the exchanges it stores.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sluice.auth.keys import KeyRecord, hash_key, looks_like_key
from sluice.store.keys import KeyStore, active_keys, keys_version

__all__ = ["MISS_REFRESH_S", "KeyDirectory"]

MISS_REFRESH_S = 0.25  # the least time between two refreshes caused by unknown keys

log = logging.getLogger(__name__)


class KeyDirectory:
    """Active keys by hash, for one worker. ``store``: where keys live (see
    :data:`~sluice.store.keys.KeyStore`)."""

    def __init__(
        self,
        store: KeyStore,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = store
        self._clock = clock
        self._by_hash: dict[str, KeyRecord] = {}
        self._version: str | None = None
        self.unreadable = False  # the last poll failed (logged once until it works again)
        self._missed: asyncio.Task[bool] | None = None  # the refresh a miss started
        self._missed_at = -MISS_REFRESH_S

    def lookup(self, secret: str) -> KeyRecord | None:
        """The usable key whose whole text is ``secret``; ``None`` when malformed, unknown,
        revoked or expired (the caller must not tell which)."""
        if not looks_like_key(secret):
            return None
        record = self._by_hash.get(hash_key(secret))
        if record is None:
            return None
        return record if record.usable(self._clock()) else None

    async def refresh_for(self, secret: str) -> bool:
        """Before refusing ``secret``: refresh once if it could be a key created since the
        last poll; ``True`` when the keys were reloaded (look it up again). Misses share one
        refresh, and one starts at most every :data:`MISS_REFRESH_S`: a miss too soon after
        the last waits for the next."""
        if not looks_like_key(secret):
            return False
        task = self._missed
        if task is None or task.done():
            wait = self._missed_at + MISS_REFRESH_S - time.monotonic()
            task = self._missed = asyncio.ensure_future(self._refresh_after(max(0.0, wait)))
        return await asyncio.shield(task)

    async def _refresh_after(self, delay: float) -> bool:
        if delay:
            await asyncio.sleep(delay)
        self._missed_at = time.monotonic()
        return await self.refresh()

    @property
    def size(self) -> int:
        """How many usable keys are loaded."""
        return len(self._by_hash)

    async def refresh(self) -> bool:
        """Reload the keys if they changed since the last call; ``True`` if reloaded."""
        try:
            version = await keys_version(self._store)
            if version == self._version:
                return False
            records = await active_keys(self._store)
        except Exception as exc:  # any driver error: the store is down, keep what we have
            if not self.unreadable:
                log.warning("keys unreadable (keeping the %d loaded): %r", self.size, exc)
            self.unreadable = True
            return False
        if self.unreadable:
            log.info("keys readable again")
        self.unreadable = False
        self._by_hash = {record.hash: record for record in records}
        self._version = version
        return True

    async def run(self, interval_s: float) -> None:
        """Refresh every ``interval_s`` seconds until cancelled."""
        while True:
            await asyncio.sleep(interval_s)
            await self.refresh()
