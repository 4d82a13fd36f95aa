"""``request_limits``: refuse requests for models you don't allow, or too large, and cap
their output tokens, before the provider is called.

A refused request never reaches the provider: the client gets a 400
``invalid_request_error`` in its own format, with a reason naming the model or the limit.
Each limit is off until set. Model globs ignore case (``Claude-*`` is ``claude-*``), so a
deny list is not dodged by spelling a model name differently.

``max_tokens`` caps the output tokens a request may ask for. With ``max_tokens_action:
rewrite`` (the default) a larger cap is lowered to it and the request goes on; with
``refuse`` the request is refused. A request that asks for no cap keeps none where its format
allows that (OpenAI's; the provider's default applies), and gets ``max_tokens`` where the
format requires one (Anthropic's, which the provider would otherwise reject). Mind extended
thinking: Anthropic rejects a cap at or below the request's ``thinking.budget_tokens``, so
a ``max_tokens`` below the thinking budgets your clients send makes their requests fail
rather than shrink.

In the gateway config::

    policies:
      - name: request_limits
        config:
          allowed_models: ["claude-*", "gpt-5*"]
          denied_models: ["*-opus-*"]
          max_tokens: 16000
          max_body_bytes: 20000000
          max_messages: 2000
          max_tools: 128
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Literal

from pydantic import Field

from sluice.hooks import RequestHook
from sluice.model import Format
from sluice.policy import Policy, PolicyConfig

__all__ = ["RequestLimits", "RequestLimitsConfig"]

# Formats whose requests must carry an output-token cap.
_CAP_REQUIRED = frozenset({Format.ANTHROPIC})


class RequestLimitsConfig(PolicyConfig):
    """Settings of :class:`RequestLimits`."""

    allowed_models: list[str] = Field(
        default_factory=list,
        description="Globs of the only models allowed; empty: every model not denied.",
    )
    denied_models: list[str] = Field(
        default_factory=list, description="Globs of models whose requests are refused."
    )
    max_tokens: int | None = Field(
        None, gt=0, description="Most output tokens a request may ask for; unset: no cap."
    )
    max_tokens_action: Literal["rewrite", "refuse"] = Field(
        "rewrite",
        description="For a request over `max_tokens`: `rewrite` lowers its cap, `refuse` "
        "refuses it.",
    )
    max_body_bytes: int | None = Field(
        None, gt=0, description="Largest request body, in bytes; unset: no limit."
    )
    max_messages: int | None = Field(
        None, gt=0, description="Most messages (Responses: input items) in a conversation."
    )
    max_tools: int | None = Field(None, gt=0, description="Most tools a request may offer.")


class RequestLimits(Policy[RequestLimitsConfig]):
    """Refuses requests for models not allowed or over size limits; caps output tokens."""

    Config = RequestLimitsConfig

    def hooks(self) -> frozenset[str]:
        # Nothing to limit: the request need not be looked at.
        c = self.config
        sizes = (c.max_tokens, c.max_body_bytes, c.max_messages, c.max_tools)
        limited = c.allowed_models or c.denied_models or any(n is not None for n in sizes)
        return super().hooks() if limited else frozenset()

    async def request(self, hook: RequestHook) -> None:
        reason = self._model_refusal(hook.exchange.request.model) or self._size_refusal(hook)
        if reason:
            hook.refuse(reason)
            return
        cap, asked = self.config.max_tokens, hook.edits.max_tokens()
        if cap is None or (asked is not None and asked <= cap):
            return
        if asked is None:
            # Without a cap the provider's default applies, as the client chose; a format
            # that requires a cap gets ours, since the provider would refuse the request.
            if hook.exchange.format in _CAP_REQUIRED:
                hook.edits.set_max_tokens(cap)
        elif self.config.max_tokens_action == "refuse":
            hook.refuse(
                f"The request asks for up to {asked} output tokens; "
                f"this gateway allows at most {cap}"
            )
        else:
            hook.edits.set_max_tokens(cap)

    def _model_refusal(self, model: str | None) -> str | None:
        allowed, denied = self.config.allowed_models, self.config.denied_models
        listed = ", ".join(allowed)
        if model is None:
            return f"The request names no model; this gateway allows {listed}" if allowed else None
        if _matches(model, denied):
            return f"The model {model} is not allowed by this gateway"
        if allowed and not _matches(model, allowed):
            return f"The model {model} is not allowed by this gateway (allowed: {listed})"
        return None

    def _size_refusal(self, hook: RequestHook) -> str | None:
        c = self.config
        if c.max_body_bytes is not None and hook.size > c.max_body_bytes:
            return (
                f"The request body has {hook.size} bytes; "
                f"this gateway allows at most {c.max_body_bytes}"
            )
        if c.max_messages is not None and (count := hook.edits.message_count()) > c.max_messages:
            return (
                f"The conversation has {count} messages; "
                f"this gateway allows at most {c.max_messages}"
            )
        if c.max_tools is not None and (count := len(hook.edits.tool_names())) > c.max_tools:
            return f"The request offers {count} tools; this gateway allows at most {c.max_tools}"
        return None


def _matches(model: str, globs: list[str]) -> bool:
    return any(fnmatchcase(model.casefold(), glob.casefold()) for glob in globs)
