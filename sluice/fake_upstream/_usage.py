"""Token counts that move with the request and the reply, like a real provider's.

Nothing is tokenised: a token is taken as four bytes of request or four characters of
output, which is close enough for gateways that meter, budget or log usage.

Prompt caching follows the shape of a coding agent's conversation: each turn moves the last
``cache_control`` breakpoint forward, so the prompt up to the previous breakpoint is read
from the cache and the part between the two last breakpoints is written to it. Without
breakpoints nothing is cached. It is a pure function of the body, so usage is reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._scripts import Script, TextBlock, ThinkingBlock, ToolCallBlock

__all__ = ["Tally", "count_input_tokens", "tally"]

_BREAKPOINT = b'"cache_control"'


@dataclass(frozen=True, slots=True)
class Tally:
    """Token counts for one exchange; ``input_tokens`` excludes the cached parts."""

    input_tokens: int
    cache_read_tokens: int
    cache_creation_tokens: int
    output_tokens: int
    reasoning_tokens: int

    @property
    def prompt_tokens(self) -> int:
        """All input tokens, cached or not (OpenAI's ``prompt_tokens``/``input_tokens``)."""
        return self.input_tokens + self.cache_read_tokens + self.cache_creation_tokens


def tally(body: bytes, script: Script) -> Tally:
    """The usage to report for ``script`` answering a request whose raw body is ``body``."""
    last = body.rfind(_BREAKPOINT)
    previous = body.rfind(_BREAKPOINT, 0, last) if last > 0 else -1
    read = _tokens(max(previous, 0))
    creation = _tokens(last) - read if last > 0 else 0
    prompt = max(count_input_tokens(body), read + creation + 1)

    reasoning = 0
    visible = 0
    for block in script.blocks:
        if isinstance(block, ThinkingBlock):
            reasoning += _tokens(len(block.text))
        elif isinstance(block, TextBlock):
            visible += _tokens(len(block.text))
        elif isinstance(block, ToolCallBlock):
            visible += _tokens(len(block.name) + len(block.arguments)) + 8  # call framing
    return Tally(
        input_tokens=prompt - read - creation,
        cache_read_tokens=read,
        cache_creation_tokens=creation,
        output_tokens=max(1, reasoning + visible),
        reasoning_tokens=reasoning,
    )


def count_input_tokens(body: bytes) -> int:
    """All input tokens of a request, cached or not (what ``count_tokens`` answers)."""
    return max(1, _tokens(len(body)))


def _tokens(size: int) -> int:
    return -(-size // 4)
