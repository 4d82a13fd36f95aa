"""The review queue: where tool calls a policy escalates wait for a person's decision."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, HttpUrl

from sluice.config.base import Model, Secret

__all__ = ["ReviewWebhook", "ReviewsConfig"]


class ReviewWebhook(Model):
    """Announces each new escalation with a POST (never delays the held stream)."""

    url: HttpUrl | None = Field(
        None, description="Where to POST; unset: no announcement (unless `url_secret` is set)."
    )
    url_secret: Secret | None = Field(
        None,
        description="The URL read from an environment variable or file instead (a Slack "
        "incoming-webhook URL is itself a credential).",
    )
    format: Literal["json", "slack"] = Field(
        "json",
        description="`json`: the review as a JSON object (`event`, `review`, `link`); "
        "`slack`: a Slack incoming-webhook message (`text`, `blocks`).",
    )
    timeout_s: float = Field(5.0, gt=0, description="Longest one POST may take.")


class ReviewsConfig(Model):
    """Escalated tool calls wait here for a reviewer (admin API, Review page).

    The queue lives in the store (``store_url``), so every replica sees every held call and
    a decision taken on any replica releases the stream that holds the call.
    """

    enabled: bool = Field(
        False,
        description="Keep a review queue. Off: a policy's escalation blocks the call instead.",
    )
    deadline_s: float = Field(
        120.0,
        gt=0,
        le=3600,
        description="Longest a call waits for a decision (a policy or rule may set its own, "
        "never beyond `max_deadline_s`). Below `envoy.stream_idle_timeout_s`: a whole "
        "(non-streamed) response sends nothing while it waits.",
    )
    max_deadline_s: float = Field(
        540.0,
        gt=0,
        description="The longest deadline a policy or rule may set; a longer one is cut to "
        "this. Keep it below `envoy.stream_idle_timeout_s`.",
    )
    on_deadline: Literal["deny", "allow"] = Field(
        "deny",
        description="What happens to a call nobody decided on in time: `deny` (fail closed) "
        "or `allow`.",
    )
    reuse_s: float = Field(
        600.0,
        ge=0,
        description="An identical call (same tool, same arguments) in the same session within "
        "this many seconds of a decision gets the same decision (Claude Code retries a failed "
        "stream without `stream`); a call whose review is pending waits for that review.",
    )
    poll_ms: int = Field(
        200,
        ge=20,
        le=250,
        description="How often a worker holding calls reads the queue for decisions.",
    )
    link: str = Field(
        "",
        description="Base URL of the admin UI as reviewers reach it (`https://sluice-admin."
        "example.com`); the webhook links to its Review page.",
    )
    webhook: ReviewWebhook = Field(default_factory=ReviewWebhook)
