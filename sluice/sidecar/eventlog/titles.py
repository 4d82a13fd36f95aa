"""The event-log writer's session titler: a model names each session, off the data path.

Every ``interval_s`` the titler asks the store for sessions active since its last look
(at start: in the last day) that need a title (none yet, or ``every_messages`` more
messages since the last one), asks the configured model for each (one at a time, each
within ``timeout_s``) and stores the answer. A look that could not finish (the model
failed, or ``per_pass`` sessions were due) is followed by one over the same period. It
runs in the writer process, beside the batches it writes: a slow or failing model delays
only titles, never traffic nor the recording of it. A failure is logged,
counted (``sluice_session_title_failures_total``) and retried at the next look, with the
looks spaced out (up to five minutes) while the model keeps failing.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sluice.config import SessionTitles
from sluice.policy import ModelClient
from sluice.store import Store

if TYPE_CHECKING:
    from sluice.sidecar.metrics import EventLogMetrics

__all__ = ["SYSTEM", "SessionTitler", "clean_title"]

log = logging.getLogger(__name__)

SYSTEM = (
    "You name conversations between a developer and a coding assistant. Answer with a "
    "title of three to eight words saying what the developer is working on: no quotes, no "
    "final period, nothing else."
)
_LOOKBACK = timedelta(days=1)
# A session written just before a look may carry an older last_seen than the look's start
# (the writer batches; replicas' clocks differ): each look reaches back this much further.
_OVERLAP = timedelta(minutes=1)
_MAX_PAUSE_S = 300.0


def clean_title(answer: str) -> str:
    """A model's answer as a title: its first line, without quotes or a final period.

    >>> clean_title('"Fix the login redirect."\\nBecause...')
    'Fix the login redirect'
    """
    lines = [line.strip() for line in answer.strip().splitlines() if line.strip()]
    title = lines[0] if lines else ""
    title = title.removeprefix("Title:").strip().strip("\"'`*").strip()
    return title.removesuffix(".").strip()


class SessionTitler:
    """Writes sessions' titles with ``client`` as ``settings`` say (see the module)."""

    def __init__(
        self,
        store: Store,
        client: ModelClient,
        settings: SessionTitles,
        *,
        metrics: EventLogMetrics | None = None,
    ) -> None:
        self.store = store
        self.client = client
        self.settings = settings
        self.written = 0
        self.failures = 0
        self._metrics = metrics
        self._since: datetime | None = None  # where the next look starts

    async def run(self) -> None:
        """Look for sessions to title every ``interval_s`` until cancelled."""
        pause = self.settings.interval_s
        while True:
            await asyncio.sleep(pause)
            try:
                ok = await self.title_due()
            except Exception as exc:  # the store is down: look again later
                log.warning("session titles: could not read the store (%r)", exc)
                ok = False
            pause = self.settings.interval_s if ok else min(pause * 2, _MAX_PAUSE_S)

    async def title_due(self, now: datetime | None = None) -> bool:
        """Title the sessions that need it now; ``False`` if the model failed."""
        now = now or datetime.now(UTC)
        since = self._since or now - _LOOKBACK
        jobs = await self.store.due_titles(
            since=since, every=self.settings.every_messages, limit=self.settings.per_pass
        )
        for job in jobs:
            material = await self.store.title_material(job.session_id)
            if not material:
                continue  # nothing a person wrote (yet): the first prompt will do
            try:
                async with asyncio.timeout(self.settings.timeout_s):
                    answer = await self.client.complete(SYSTEM, material)
                title = clean_title(answer)
                if not title:
                    raise ValueError("the answer held no title")
            except Exception as exc:
                self.failures += 1
                if self._metrics is not None:
                    self._metrics.title_failed(exc)
                log.warning(
                    "session titles: the title model failed for session %s (%s); it keeps "
                    "its title and is tried again later",
                    job.session_id,
                    str(exc) or type(exc).__name__,
                )
                return False  # the model is failing: stop this look, space out the next
            await self.store.save_title(job.session_id, title, job.messages)
            self.written += 1
            if self._metrics is not None:
                self._metrics.title_written()
        if len(jobs) < self.settings.per_pass:  # all done: next time, only what changed
            self._since = now - _OVERLAP
        return True
