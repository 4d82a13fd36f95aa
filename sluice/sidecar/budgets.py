"""Token budgets, counted in memory by each sidecar worker and shared through the store.

A budget is checked on every request, by the exchange while it handles the request body
(:meth:`Budgets.exhausted`), and charged when the exchange ends (:meth:`Budgets.charge_all`),
so neither waits for anything nor costs a round trip of its own: each worker
keeps a counter per (client or team, window) holding the total it last read from the store
plus what it charged since. Every ``sync_interval_s`` it adds its own charges to the store
and reads back everyone's totals for the current windows (:meth:`Budgets.sync`).

The approximation, stated once: a replica learns of the others' charges up to one sync
interval late, so together the replicas may overshoot a budget by what its holder uses in
about one interval (plus the exchanges in flight when it ran out: a request is admitted
while its budget is not exhausted, and charged what it used when it ends). When the store
is down, each worker goes on from its last totals and its own charges, and hands the
charges over once the store is back. Windows are fixed and aligned on UTC.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sluice.config import LimitsConfig

__all__ = ["CLIENT", "KEY", "TEAM", "Budgets", "Ledger", "Verdict"]

log = logging.getLogger(__name__)

CLIENT = "client"  # the descriptor keys Envoy sends (see sluice.envoy.ratelimits)
TEAM = "team"
KEY = "key"  # a Sluice key's own ``tokens_per_day``
_DAY = 86400

Window = tuple[int, int]  # (period_s, window_start)
WindowKey = tuple[int, int, str]  # (period_s, window_start, counter)


class Ledger(Protocol):
    """Where the workers' counts meet (:class:`sluice.store.budgets.BudgetLedger`)."""

    async def exchange(
        self, increments: dict[WindowKey, int], windows: list[Window]
    ) -> dict[WindowKey, int]: ...


@dataclass(frozen=True, slots=True)
class Verdict:
    """A budget check: ``allowed`` while tokens remain; ``reset_s`` until the window ends."""

    allowed: bool
    limit: int
    remaining: int
    reset_s: int


@dataclass(slots=True)
class _Counter:
    window_start: int
    shared: int = 0  # the store's total at the last sync (our flushed charges included)
    pending: int = 0  # charged here since, not yet in the store

    @property
    def used(self) -> int:
        return self.shared + self.pending


class Budgets:
    """The budgets of ``limits``, counted in this worker; ``ledger`` shares them (or not)."""

    def __init__(
        self,
        limits: LimitsConfig,
        ledger: Ledger | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._limits: dict[tuple[str, int], int] = {}
        for scope, budgets in ((CLIENT, limits.tokens_per_client), (TEAM, limits.tokens_per_team)):
            for budget in budgets:
                self._limits[(scope, budget.per.seconds)] = budget.tokens
        # Days always: a key may carry its own daily budget.
        self._periods = sorted({_DAY, *(period for _, period in self._limits)})
        self._ledger = ledger
        self._clock = clock
        self._counters: dict[tuple[int, str], _Counter] = {}  # (period_s, counter) -> counts
        self.sync_failures = 0

    def limit(self, scope: str, period_s: int) -> int | None:
        """The budget of ``scope`` (``client``/``team``) per ``period_s``; ``None``: none."""
        return self._limits.get((scope, period_s))

    def check(self, scope: str, value: str, period_s: int) -> Verdict | None:
        """May ``value`` (a client fingerprint or team) still spend tokens? ``None`` when no
        budget of that scope and period is configured."""
        limit = self._limits.get((scope, period_s))
        if limit is None:
            return None
        now = self._clock()
        counter = self._counter(period_s, f"{scope}={value}", now)
        remaining = max(0, limit - counter.used)
        reset = counter.window_start + period_s - int(now)
        return Verdict(remaining > 0, limit, remaining, max(1, reset))

    def charge(self, scope: str, value: str, period_s: int, tokens: int) -> None:
        """Count ``tokens`` used by ``value`` in the current window of ``period_s``."""
        if tokens <= 0 or (scope, period_s) not in self._limits:
            return
        self._counter(period_s, f"{scope}={value}", self._clock()).pending += tokens

    def remaining(
        self,
        client: str | None,
        team: str | None,
        key: str | None = None,
        key_tokens_per_day: int | None = None,
    ) -> int | None:
        """The fewest tokens any budget of this client, team or key has left; ``None``:
        unlimited."""
        verdicts = self._verdicts(client, team, key, key_tokens_per_day)
        return min((v.remaining for v in verdicts), default=None)

    def exhausted(
        self,
        client: str | None,
        team: str | None,
        key: str | None = None,
        key_tokens_per_day: int | None = None,
    ) -> int | None:
        """Seconds until a spent budget of this client, team or key renews (the longest,
        when several are spent); ``None`` while every one has tokens left."""
        return self.standing(client, team, key, key_tokens_per_day)[0]

    def standing(
        self,
        client: str | None,
        team: str | None,
        key: str | None = None,
        key_tokens_per_day: int | None = None,
    ) -> tuple[int | None, int | None]:
        """Both answers in one pass: (:meth:`exhausted`, :meth:`remaining`)."""
        reset: int | None = None
        left: int | None = None
        for verdict in self._verdicts(client, team, key, key_tokens_per_day):
            if not verdict.allowed:
                reset = max(reset or 0, verdict.reset_s)
            if left is None or verdict.remaining < left:
                left = verdict.remaining
        return reset, left

    def charge_all(
        self,
        client: str | None,
        team: str | None,
        tokens: int,
        key: str | None = None,
        key_tokens_per_day: int | None = None,
    ) -> None:
        """Charge an exchange's ``tokens`` to every budget of its client, team and key."""
        for (scope, period_s), _ in self._limits.items():
            value = client if scope == CLIENT else team
            if value is not None:
                self.charge(scope, value, period_s, tokens)
        if key is not None and key_tokens_per_day is not None and tokens > 0:
            self._counter(_DAY, f"{KEY}={key}", self._clock()).pending += tokens

    def _verdicts(
        self,
        client: str | None,
        team: str | None,
        key: str | None,
        key_tokens_per_day: int | None,
    ) -> list[Verdict]:
        verdicts = []
        for (scope, period_s), _ in self._limits.items():
            value = client if scope == CLIENT else team
            verdict = self.check(scope, value, period_s) if value is not None else None
            if verdict is not None:
                verdicts.append(verdict)
        if key is not None and key_tokens_per_day is not None:
            now = self._clock()
            counter = self._counter(_DAY, f"{KEY}={key}", now)
            remaining = max(0, key_tokens_per_day - counter.used)
            reset = max(1, counter.window_start + _DAY - int(now))
            verdicts.append(Verdict(remaining > 0, key_tokens_per_day, remaining, reset))
        return verdicts

    def _counter(self, period_s: int, name: str, now: float) -> _Counter:
        start = int(now) // period_s * period_s
        counter = self._counters.get((period_s, name))
        if counter is None or counter.window_start != start:
            # A new window: what was charged in the last one no longer counts here.
            counter = self._counters[(period_s, name)] = _Counter(start)
        return counter

    async def sync(self) -> None:
        """Add this worker's charges to the ledger and read everyone's totals back."""
        if self._ledger is None:
            return
        now = int(self._clock())
        windows = [(period, now // period * period) for period in self._periods]
        current = set(windows)
        taken: dict[WindowKey, int] = {}
        for (period, name), counter in list(self._counters.items()):
            if (period, counter.window_start) not in current:
                del self._counters[(period, name)]  # an old window: forget it
            elif counter.pending:
                taken[(period, counter.window_start, name)] = counter.pending
                counter.pending = 0
        try:
            totals = await self._ledger.exchange(taken, windows)
        except Exception as exc:  # the store is down: keep counting here, hand over later
            self.sync_failures += 1
            log.warning("token budgets: store unavailable (%s); counting locally", exc)
            for (period, start, name), tokens in taken.items():
                kept = self._counters.get((period, name))
                if kept is not None and kept.window_start == start:
                    kept.pending += tokens
            return
        for (period, start, name), total in totals.items():
            known = self._counters.get((period, name))
            if known is None:  # charged by another replica only, so far
                known = self._counters[(period, name)] = _Counter(start)
            if known.window_start == start:
                known.shared = total

    async def run(self, interval_s: float) -> None:
        """Sync every ``interval_s`` seconds until cancelled; a last sync on the way out."""
        try:
            while True:
                await asyncio.sleep(interval_s)
                await self.sync()
        finally:
            if any(c.pending for c in self._counters.values()):
                await asyncio.shield(self.sync())
