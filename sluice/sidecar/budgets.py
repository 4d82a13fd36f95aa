"""Token and dollar budgets, counted in memory by each sidecar worker and shared through the
store.

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
charges over once the store is back. Windows are fixed and aligned on UTC; a dollar
budget's month is the calendar month (its counters carry the period :data:`MONTH`).

Dollar budgets are counters like the others, named ``usd.client=...``, ``usd.team=...`` and
``usd.key=...`` and counted in millionths of a dollar (:data:`MICRO`), so they share the
ledger, its table and its sync. A key's own dollar budgets (``key_usd``, from the key) use
the key's counter and replace ``usd_per_key``'s limit of the same period.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from sluice.config import LimitsConfig
from sluice.config.limits import MICRO, MONTH, window

__all__ = [
    "CLIENT",
    "KEY",
    "MICRO",
    "MONTH",
    "TEAM",
    "USD_CLIENT",
    "USD_KEY",
    "USD_TEAM",
    "Budgets",
    "Ledger",
    "Standing",
    "Verdict",
    "window",
]

log = logging.getLogger(__name__)

CLIENT = "client"  # the descriptor keys Envoy sends (see sluice.envoy.ratelimits)
TEAM = "team"
KEY = "key"  # a Sluice key's own ``tokens_per_day``
USD_CLIENT, USD_TEAM, USD_KEY = "usd.client", "usd.team", "usd.key"  # dollar budgets
_DAY = 86400
_SPANS = {_DAY: "day", MONTH: "month"}


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


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a caller stands against all its budgets: ``renews_s`` until the (longest)
    spent one renews, ``None`` while none is spent; the fewest tokens and dollars any
    budget leaves, ``None`` where none is kept."""

    renews_s: int | None
    tokens_left: int | None
    usd_left: float | None
    dollars_spent: bool = False  # a spent budget is a dollar budget


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
        for scope, dollars in (
            (USD_CLIENT, limits.usd_per_client),
            (USD_TEAM, limits.usd_per_team),
            (USD_KEY, limits.usd_per_key),
        ):
            for each in dollars:
                self._limits[(scope, each.period_s)] = round(each.usd * MICRO)
        self.alert_at = limits.alert_at
        self.dollars = limits.dollar_budgets
        # Days and months always: a key may carry its own daily and monthly budgets.
        self._periods = sorted({_DAY, MONTH, *(period for _, period in self._limits)})
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
        return self._verdict(period_s, f"{scope}={value}", limit)

    def _verdict(self, period_s: int, name: str, limit: int) -> Verdict:
        now = self._clock()
        counter = self._counter(period_s, name, now)
        remaining = max(0, limit - counter.used)
        reset = window(period_s, now)[1] - int(now)
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
        return self.standing_all(client, team, key, key_tokens_per_day).tokens_left

    def exhausted(
        self,
        client: str | None,
        team: str | None,
        key: str | None = None,
        key_tokens_per_day: int | None = None,
        key_usd: Mapping[int, float] | None = None,
    ) -> int | None:
        """Seconds until a spent budget of this client, team or key renews (the longest,
        when several are spent); ``None`` while every one has tokens (and dollars) left."""
        return self.standing_all(client, team, key, key_tokens_per_day, key_usd).renews_s

    def standing(
        self,
        client: str | None,
        team: str | None,
        key: str | None = None,
        key_tokens_per_day: int | None = None,
    ) -> tuple[int | None, int | None]:
        """Both answers in one pass: (:meth:`exhausted`, :meth:`remaining`)."""
        found = self.standing_all(client, team, key, key_tokens_per_day)
        return found.renews_s, found.tokens_left

    def standing_all(
        self,
        client: str | None,
        team: str | None,
        key: str | None = None,
        key_tokens_per_day: int | None = None,
        key_usd: Mapping[int, float] | None = None,
    ) -> Standing:
        """Where this client, team and key stand against every budget, tokens and dollars;
        ``key_usd``: the key's own dollar budgets by period (:data:`MONTH` for a month),
        which replace ``usd_per_key``'s of the same period."""
        reset: int | None = None
        tokens: int | None = None
        micros: int | None = None
        dollars = False
        for scope, verdict in self._verdicts(client, team, key, key_tokens_per_day, key_usd):
            if not verdict.allowed:
                reset = max(reset or 0, verdict.reset_s)
                dollars = dollars or scope.startswith("usd.")
            if scope.startswith("usd."):
                micros = verdict.remaining if micros is None else min(micros, verdict.remaining)
            elif tokens is None or verdict.remaining < tokens:
                tokens = verdict.remaining
        return Standing(reset, tokens, None if micros is None else micros / MICRO, dollars)

    def charge_all(
        self,
        client: str | None,
        team: str | None,
        tokens: int,
        key: str | None = None,
        key_tokens_per_day: int | None = None,
        usd: float = 0.0,
        key_usd: Mapping[int, float] | None = None,
    ) -> None:
        """Charge an exchange's ``tokens`` and ``usd`` to every budget of its client, team
        and key (``key_usd``: the key's own dollar budgets, as :meth:`standing_all`)."""
        micros = round(usd * MICRO)
        for scope, period_s in self._limits:
            value = _value(scope, client, team, key)
            if value is not None:
                self.charge(scope, value, period_s, micros if scope.startswith("usd.") else tokens)
        if key is None:
            return
        now = self._clock()
        if key_tokens_per_day is not None and tokens > 0:
            self._counter(_DAY, f"{KEY}={key}", now).pending += tokens
        for period_s in key_usd or {}:
            if micros > 0 and (USD_KEY, period_s) not in self._limits:  # else charged above
                self._counter(period_s, f"{USD_KEY}={key}", now).pending += micros

    def _verdicts(
        self,
        client: str | None,
        team: str | None,
        key: str | None,
        key_tokens_per_day: int | None,
        key_usd: Mapping[int, float] | None = None,
    ) -> list[tuple[str, Verdict]]:
        verdicts = []
        own = key_usd if key is not None and key_usd else {}
        for scope, period_s in self._limits:
            if scope == USD_KEY and period_s in own:
                continue  # the key's own budget of this period replaces the configured one
            value = _value(scope, client, team, key)
            verdict = self.check(scope, value, period_s) if value is not None else None
            if verdict is not None:
                verdicts.append((scope, verdict))
        if key is not None and key_tokens_per_day is not None:
            now = self._clock()
            counter = self._counter(_DAY, f"{KEY}={key}", now)
            remaining = max(0, key_tokens_per_day - counter.used)
            reset = max(1, counter.window_start + _DAY - int(now))
            verdicts.append((KEY, Verdict(remaining > 0, key_tokens_per_day, remaining, reset)))
        for period_s, usd in own.items():
            name = f"{USD_KEY}={key}"
            verdicts.append((USD_KEY, self._verdict(period_s, name, round(usd * MICRO))))
        return verdicts

    def dollar_use(self) -> dict[tuple[str, str], tuple[float, int]]:
        """For each dollar budget (scope ``client``/``team``/``key``, window ``day``/
        ``month``): the largest share of it anyone has spent in the current window, and how
        many have spent at least :attr:`alert_at` of it (as far as this worker knows: its
        own charges and everyone's at the last sync)."""
        now = self._clock()
        use: dict[tuple[str, str], tuple[float, int]] = {}
        for scope, period_s in self._limits:
            if scope.startswith("usd."):
                use[(scope.removeprefix("usd."), _SPANS[period_s])] = (0.0, 0)
        starts = {period: window(period, now)[0] for period in self._periods}
        for (period_s, name), counter in self._counters.items():
            scope = name.partition("=")[0]
            found = self._limits.get((scope, period_s))
            if found is None or not scope.startswith("usd."):
                continue
            if counter.window_start != starts[period_s]:
                continue
            ratio = counter.used / found
            slot = (scope.removeprefix("usd."), _SPANS[period_s])
            top, over = use[slot]
            use[slot] = (max(top, ratio), over + (ratio >= self.alert_at))
        return use

    def _counter(self, period_s: int, name: str, now: float) -> _Counter:
        start = window(period_s, now)[0]
        counter = self._counters.get((period_s, name))
        if counter is None or counter.window_start != start:
            # A new window: what was charged in the last one no longer counts here.
            counter = self._counters[(period_s, name)] = _Counter(start)
        return counter

    async def sync(self) -> None:
        """Add this worker's charges to the ledger and read everyone's totals back."""
        if self._ledger is None:
            return
        now = self._clock()
        windows = [(period, window(period, now)[0]) for period in self._periods]
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
            log.warning("budgets: store unavailable (%s); counting locally", exc)
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

    async def run(self, interval_s: float, synced: Callable[[Budgets], None] | None = None) -> None:
        """Sync every ``interval_s`` seconds until cancelled, calling ``synced`` after each
        (the metrics read :meth:`dollar_use`); a last sync on the way out."""
        try:
            while True:
                await asyncio.sleep(interval_s)
                await self.sync()
                if synced is not None:
                    synced(self)
        finally:
            if any(c.pending for c in self._counters.values()):
                await asyncio.shield(self.sync())


def _value(scope: str, client: str | None, team: str | None, key: str | None) -> str | None:
    """Whose counter of ``scope`` an exchange of this client, team and key charges."""
    kind = scope.removeprefix("usd.")
    return client if kind == CLIENT else team if kind == TEAM else key
