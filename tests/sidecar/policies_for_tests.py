"""Small policies used by the sidecar's own tests: each exercises one behaviour."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import Field

from sluice.hooks import EndHook, RequestHook, TextHook, ToolCallHook
from sluice.policy import Policy, PolicyConfig
from sluice.sidecar.chain import Chain
from sluice.sidecar.llm_client import ModelClients


class BlockConfig(PolicyConfig):
    tools: list[str] = Field(default_factory=list, description="Tool names to block.")
    sleep_s: float = Field(0.0, description="Think this long first.")


class BlockTools(Policy[BlockConfig]):
    """Blocks the named tools."""

    Config = BlockConfig

    async def tool_call(self, hook: ToolCallHook) -> None:
        if self.config.sleep_s:
            await asyncio.sleep(self.config.sleep_s)
        if hook.call.name in self.config.tools:
            hook.block(f"{hook.call.name} is not allowed")


class Shout(Policy[PolicyConfig]):
    """Upper-cases every text block."""

    async def text(self, hook: TextHook) -> None:
        hook.text = hook.text.upper()


class Explode(Policy[PolicyConfig]):
    """Every hook raises."""

    async def tool_call(self, hook: ToolCallHook) -> None:
        raise RuntimeError("boom")

    async def request(self, hook: RequestHook) -> None:
        raise RuntimeError("boom")


class Sign(Policy[PolicyConfig]):
    """Adds a line at the end of each response."""

    async def end(self, hook: EndHook) -> None:
        hook.add_text("-- checked by Sluice")


class CapTokens(Policy[PolicyConfig]):
    """Caps max tokens at 100."""

    async def request(self, hook: RequestHook) -> None:
        hook.edits.set_max_tokens(100)


class SlowConfig(PolicyConfig):
    sleep_s: float = Field(7.0, description="Think this long over each request.")


class SlowRequest(Policy[SlowConfig]):
    """Thinks ``sleep_s`` over each request, then caps its max tokens at 100."""

    Config = SlowConfig

    async def request(self, hook: RequestHook) -> None:
        await asyncio.sleep(self.config.sleep_s)
        hook.edits.set_max_tokens(100)


def chain(*policies: tuple[type[Policy[Any]], dict[str, Any]]) -> Chain:
    models = ModelClients()
    return Chain([cls.configure(raw, cls.__name__, models) for cls, raw in policies])


class EscalateConfig(PolicyConfig):
    tools: list[str] = Field(default_factory=list, description="Tool names a person decides on.")
    deadline_s: float | None = Field(None, description="The escalation's own deadline.")
    on_deadline: str | None = Field(None, description="The escalation's own default.")


class EscalateTools(Policy[EscalateConfig]):
    """Sends calls of the named tools to a person."""

    Config = EscalateConfig

    async def tool_call(self, hook: ToolCallHook) -> None:
        if hook.call.name in self.config.tools:
            on_deadline = self.config.on_deadline
            hook.escalate(
                f"{hook.call.name} needs a second look",
                deadline_s=self.config.deadline_s,
                on_deadline="allow" if on_deadline == "allow" else None,
            )
