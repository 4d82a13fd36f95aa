"""Announcing each new escalation: a POST to a webhook, generic JSON or Slack's format.

Announcing never delays the held stream: each POST runs as a task of its own, at most
``_IN_FLIGHT`` at a time (beyond, an announcement is dropped and logged), each bounded by
``reviews.webhook.timeout_s``. Only the worker that opened a review announces it; a call
that joins a pending review, or reuses a decision, is not announced again.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

from sluice.config import ReviewsConfig
from sluice.store.reviews import StoredReview

__all__ = ["Announcer", "payload"]

log = logging.getLogger(__name__)

_IN_FLIGHT = 64
_ARGUMENTS_IN_MESSAGE = 1500  # characters of arguments in a chat message


def review_link(base: str, review_id: str) -> str:
    """The Review page's address for one review (empty without a configured base)."""
    return f"{base.rstrip('/')}/reviews#review-{review_id}" if base else ""


def payload(review: StoredReview, fmt: str, link: str) -> dict[str, Any]:
    """The body announcing ``review``: ``json`` (the review as an object) or ``slack``."""
    who = review.user or review.client or "someone"
    if fmt == "slack":
        arguments = review.arguments
        if len(arguments) > _ARGUMENTS_IN_MESSAGE:
            arguments = arguments[:_ARGUMENTS_IN_MESSAGE] + "\n…"
        headline = f"Sluice: a `{review.tool}` call by {who} waits for review: {review.reason}"
        text = f"{headline}\n<{link}|Review it>" if link else headline
        return {
            "text": text,
            "blocks": [
                {"type": "section", "text": {"type": "mrkdwn", "text": text}},
                {"type": "section", "text": {"type": "mrkdwn", "text": f"```{arguments}```"}},
            ],
        }
    return {
        "event": "review.pending",
        "link": link or None,
        "review": {
            "id": review.id,
            "tool": review.tool,
            "arguments": review.arguments,
            "reason": review.reason,
            "policy": review.policy,
            "user": review.user,
            "team": review.team,
            "session": review.session,
            "created_at": review.created_at.isoformat(),
            "deadline_at": review.deadline_at.isoformat(),
            "on_deadline": review.on_deadline,
        },
    }


class Announcer:
    """POSTs each new review to ``url``."""

    def __init__(self, url: str, fmt: str, link: str = "", timeout_s: float = 5.0) -> None:
        self.url = url
        self.format = fmt
        self.link = link
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @classmethod
    def from_config(cls, config: ReviewsConfig) -> Announcer | None:
        """The announcer ``reviews.webhook`` asks for, or ``None``."""
        hook = config.webhook
        url = hook.url_secret.read() if hook.url_secret is not None else hook.url
        if url is None:
            return None
        return cls(str(url), hook.format, config.link, hook.timeout_s)

    def announce(self, review: StoredReview) -> None:
        """Send the announcement in the background."""
        if len(self._tasks) >= _IN_FLIGHT:
            log.warning(
                "review %s not announced: %d announcements in flight", review.id, _IN_FLIGHT
            )
            return
        task = asyncio.create_task(self._post(review))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _post(self, review: StoredReview) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        body = payload(review, self.format, review_link(self.link, review.id))
        try:
            async with self._session.post(self.url, json=body) as response:
                if response.status >= 300:
                    log.warning("review webhook answered %d for %s", response.status, review.id)
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            log.warning("review webhook failed for %s: %r", review.id, exc)

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
