"""``notice``: add a line of text to the end of every response, such as a monitoring notice.

The line comes as a text block of its own after the model's text and before any tool call
(tool calls stay last, as Anthropic requires), in every wire format, streamed or not.
``{org}`` in ``text`` is replaced by ``org``.

Costs to weigh: the gateway holds each tool call back until the response ends, to put the
line before it (text still streams as it comes); in an agent's loop, every turn carries the
line; and clients send it back to the model as part of the conversation, so keep it short.

In the gateway config::

    policies:
      - name: notice
        config:
          org: Example Corp security
"""

from __future__ import annotations

from pydantic import Field

from sluice.hooks import EndHook
from sluice.policy import Policy, PolicyConfig

__all__ = ["Notice", "NoticeConfig"]


class NoticeConfig(PolicyConfig):
    """Settings of :class:`Notice`."""

    text: str = Field(
        "— This conversation is logged and monitored by {org}.",
        description="The line added to each response; `{org}` is replaced by `org`. "
        "Empty: add nothing.",
    )
    org: str = Field("your organisation", description="Who monitors, named in `text`.")


class Notice(Policy[NoticeConfig]):
    """Adds a configurable line (a monitoring notice) to the end of every response."""

    Config = NoticeConfig

    def hooks(self) -> frozenset[str]:
        # An empty notice must not cost the held-back tool calls of the `end` hook.
        return super().hooks() if self.config.text else frozenset()

    async def end(self, hook: EndHook) -> None:
        # str.replace, not str.format: braces elsewhere in the text stay as written.
        hook.add_text(self.config.text.replace("{org}", self.config.org))
