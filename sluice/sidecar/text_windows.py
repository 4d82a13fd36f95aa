"""Text blocks released as they stream, for a chain whose policies read text with
``text_delta`` hooks (see :class:`sluice.hooks.TextDeltaHook`).

Each text block has a window: the text held back so far. A piece of text joins it, the
chain's ``text_delta`` hooks rewrite it and say how much may go, and that much goes at once,
in the upstream's own delta event with the released text in place of its piece; the rest
stays, at most the chain's declared lookback. At an event of the block that is not text (its
end; the Responses API's done events) or at the response's end, what is held is decided as
final and goes first, as a delta the gateway writes.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from sluice.hooks import ExchangeContext, Hook, TextDeltaHook
from sluice.model import Text
from sluice.sidecar.chain import Chain
from sluice.sidecar.formats import PartKind, StreamDecoder, StreamPart

__all__ = ["TextWindows"]


@dataclass(slots=True)
class _Window:
    """One text block: what is held back, what the client has."""

    held: str = ""
    delivered: str = ""


Decide = Callable[[Hook], AsyncIterator[bytes | None]]  # runs a hook, yielding keepalives


class TextWindows:
    """The windows of one response stream. Each call that may run the chain's hooks is
    given ``decide``, which runs one (the enforcer's own: kept here, it would make a
    reference cycle that only the garbage collector frees, for every stream)."""

    def __init__(self, chain: Chain, decoder: StreamDecoder, context: ExchangeContext) -> None:
        self._chain = chain
        self._decoder = decoder
        self._context = context
        self._windows: dict[int, _Window] = {}
        # Parts whose block ends with them (a Chat chunk carrying text and finish_reason).
        self._last_pieces: set[int] = set()

    def takes(self, part: StreamPart) -> bool:
        """Whether ``part`` belongs to a text block released as it streams."""
        return part.index in self._windows or (
            part.kind is PartKind.BLOCK_START
            and self._chain.streams_text
            and isinstance(part.block, Text)
        )

    def holding(self) -> bool:
        """Whether some text is held back."""
        return any(window.held for window in self._windows.values())

    def drop(self) -> None:
        """Forget what is held (the stream was cut)."""
        self._windows.clear()

    def mark_last_pieces(self, parts: list[StreamPart]) -> None:
        """Note, among the parts of one event, a piece its block ends with: nothing can be
        held after it, as the event carries what follows the block too."""
        for part, after in itertools.pairwise(parts):
            if (
                after.kind is PartKind.BLOCK_STOP
                and after.event is None
                and part.index == after.index
            ):
                self._last_pieces.add(id(part))

    async def part(self, part: StreamPart, decide: Decide) -> AsyncIterator[bytes | None]:
        """The bytes to send for ``part`` (one that :meth:`takes`)."""
        index = part.index or 0
        if part.kind is PartKind.BLOCK_START:
            window = self._windows[index] = _Window()
            start = part.block.text if isinstance(part.block, Text) else ""
            piece: str | None = part.delta if part.delta is not None else start
        else:
            window = self._windows[index]
            piece = part.delta
        if piece is None:  # the block ends, or an event of it that is not text: release all
            async for out in self._release(index, window, decide):
                yield out
            if part.kind is PartKind.BLOCK_STOP:
                del self._windows[index]
            yield self._decoder.forward_text(part, "", window.delivered)
            return
        window.held += piece
        last = id(part) in self._last_pieces
        self._last_pieces.discard(id(part))
        released = ""
        async for item in self._run(window, decide, final=last):
            if isinstance(item, str):
                released = item
            else:
                yield item
        if part.event is None and released:  # a piece riding in another block's event
            yield self._decoder.render_text(index, released)
        else:
            yield self._decoder.forward_text(part, released, window.delivered)

    async def release(self, decide: Decide) -> AsyncIterator[bytes | None]:
        """Everything still held, decided as final (the response is ending)."""
        for index, window in list(self._windows.items()):
            async for out in self._release(index, window, decide):
                yield out

    async def _release(
        self, index: int, window: _Window, decide: Decide
    ) -> AsyncIterator[bytes | None]:
        if not window.held:
            return
        async for item in self._run(window, decide, final=True):
            if isinstance(item, str):
                if item:
                    yield self._decoder.render_text(index, item)
            else:
                yield item

    async def _run(
        self, window: _Window, decide: Decide, *, final: bool
    ) -> AsyncIterator[bytes | str | None]:
        """Run the chain's ``text_delta`` hooks over ``window``; yield keepalives while they
        run, then the text released (a ``str``), which leaves the window."""
        text = window.held
        floor = len(text) if final else max(0, len(text) - self._chain.hold)
        hook = TextDeltaHook(self._context, text, final=final, floor=floor)
        async for keepalive in decide(hook):
            yield keepalive
        settled = max(hook.settled, hook.floor)
        released, window.held = hook.text[:settled], hook.text[settled:]
        window.delivered += released
        yield released
