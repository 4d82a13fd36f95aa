"""``session_titles``: a model that names each session, off the data path."""

from __future__ import annotations

from pydantic import Field

from sluice.config.base import Model
from sluice.policy import ModelEndpoint

__all__ = ["SessionTitles"]


class SessionTitles(Model):
    """The event-log writer asks ``model`` for a short title of each session it stores, and
    again as the session grows; until then (and whenever the model fails) the history
    shows the session's first prompt. Traffic never waits for it."""

    model: ModelEndpoint | None = Field(
        None,
        description="The title model (an LLM endpoint, as a judge's: api, base_url, "
        "api_key_env, model). null: no titles are written.",
    )
    every_messages: int = Field(
        20, ge=1, description="Write a new title once a session has this many more messages."
    )
    interval_s: float = Field(
        10.0, gt=0, description="How often the writer looks for sessions to title."
    )
    timeout_s: float = Field(30.0, gt=0, description="How long one title may take.")
    per_pass: int = Field(
        20, ge=1, description="Sessions titled at most per look (the most recent first)."
    )
