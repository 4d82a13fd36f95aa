"""Blocks on the wire: built from streamed pieces, numbered for the client, merged into bodies."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from sluice.model import Block, Format, Response, Text, Thinking, ToolCall
from sluice.sidecar.formats._errors import FormatError

if TYPE_CHECKING:
    from collections.abc import Callable

    from sluice.sidecar.formats._base import StreamPart
    from sluice.sidecar.formats._json import JSON
    from sluice.sidecar.sse import SSEEvent

__all__ = ["BlockBuilder", "BlockStream", "Numbering", "merge_items"]


def merge_items(
    items: list[Any], read: list[Block | None], blocks: list[Block], render: Callable[[Block], JSON]
) -> list[Any]:
    """The wire list (content or output) for ``blocks``, edited into the original ``items``.

    ``read`` holds what each item was read as (``None`` for items the neutral model cannot
    represent, such as server tool results). An unchanged block keeps its original item, with
    every field the neutral model does not carry; an unrepresented item stays after the block
    it followed, so it keeps its place when a later block is replaced or removed.
    """
    kept = [(item, block) for item, block in zip(items, read, strict=True) if block is not None]
    # riders[k]: the unrepresented items that followed the k-th represented one.
    riders: list[list[Any]] = [[] for _ in range(len(kept) + 1)]
    seen = 0
    for item, block in zip(items, read, strict=True):
        if block is None:
            riders[seen].append(item)
        else:
            seen += 1
    merged = list(riders[0])
    for i, block in enumerate(blocks):
        merged.append(kept[i][0] if i < len(kept) and kept[i][1] == block else render(block))
        if i + 1 < len(riders):
            merged.extend(riders[i + 1])
    for rest in riders[len(blocks) + 1 :]:
        merged.extend(rest)
    return merged


class BlockBuilder:
    """One block being streamed: its start plus the pieces since (joined once, at the end).

    Once closed, a block takes no more pieces: a policy may have judged it whole, so a piece
    arriving later raises :class:`FormatError` and its event becomes an ``ERROR`` part.
    """

    __slots__ = ("_closed", "_pieces", "_signature", "_start")

    def __init__(self, start: Block, *, whole: bool = False) -> None:
        """``whole``: ``start`` is the whole block, which takes no pieces."""
        self._start = _extended(start, "", None)  # the caller's object stays the caller's
        self._pieces: list[str] = []
        self._signature: str | None = None
        self._closed = whole

    def holds(self, kind: type) -> bool:
        """Whether the block is a ``kind`` (a piece of another kind of block is ignored)."""
        return isinstance(self._start, kind)

    def add(self, piece: str) -> None:
        """Append text, thinking or argument text."""
        self._check_open()
        self._pieces.append(piece)

    def sign(self, signature: str) -> None:
        """Set a thinking block's signature (it is sent whole, and replaces any before)."""
        self._check_open()
        self._signature = signature

    def replace(self, block: Block) -> None:
        """Take ``block`` as the whole block, when the wire repeats it complete at its end."""
        self._check_open()
        self._start, self._pieces, self._signature = block, [], None

    def close(self) -> Block:
        """The whole block, which takes no more pieces from now on."""
        self._check_open()
        self._closed = True
        return self.build()

    def build(self) -> Block:
        """The block as far as it has been streamed (a new object on each call)."""
        return _extended(self._start, "".join(self._pieces), self._signature)

    def _check_open(self) -> None:
        if self._closed:
            raise FormatError(f"a piece of a block that already ended: {self._start!r}")


def _extended(block: Block, more: str, signature: str | None) -> Block:
    """A new block: ``block`` with ``more`` text (or arguments) and, for thinking, its
    ``signature`` if one came (built field by field: ``dataclasses.replace`` costs more
    than the rest of a block's start)."""
    if isinstance(block, Text):
        return Text(block.text + more)
    if isinstance(block, ToolCall):
        return ToolCall(block.id, block.name, block.arguments + more)
    if isinstance(block, Thinking):
        return Thinking(block.text + more, signature or block.signature, block.redacted)
    return dataclasses.replace(block)


class Numbering:
    """Block positions as the client sees them, assigned in the order blocks reach it.

    The upstream numbers its blocks 0, 1, 2...; once a block is dropped or inserted, later
    ones must be renumbered to stay contiguous. ``identity`` holds until that first happens,
    and while it does no event needs rewriting.
    """

    __slots__ = ("_out", "identity", "next")

    def __init__(self) -> None:
        self._out: dict[int, int] = {}
        self.next = 0
        self.identity = True

    def start(self, upstream: int) -> int:
        """The output position of the upstream block at ``upstream``, which is beginning."""
        out = self._out[upstream] = self.next
        self.next += 1
        self.identity = self.identity and out == upstream
        return out

    def insert(self) -> int:
        """The output position of a block the gateway adds."""
        self.identity = False
        self.next += 1
        return self.next - 1

    def find(self, upstream: object) -> int | None:
        """The output position of an upstream block, or ``None`` if it never reached the client."""
        return self._out.get(upstream) if isinstance(upstream, int) else None

    def get(self, upstream: int) -> int:
        """The output position of an upstream block already begun."""
        try:
            return self._out[upstream]
        except KeyError:
            raise ValueError(
                f"a part of upstream block {upstream} was forwarded before its start"
            ) from None


class BlockStream:
    """The bookkeeping every stream decoder shares: blocks built from their pieces, and the
    response read so far."""

    def __init__(self, fmt: Format) -> None:
        self._response = Response(fmt)
        self._builders: list[BlockBuilder] = []
        self._numbering = Numbering()

    def _start(self, block: Block, *, whole: bool = False) -> int:
        """A block begins (``whole``: read whole at once): its neutral index."""
        self._builders.append(BlockBuilder(block, whole=whole))
        return len(self._builders) - 1

    def unread(self, data: bytes | bytearray, start: int = 0) -> int:
        """See :meth:`StreamDecoder.unread`: a format that reads every event says none."""
        return start

    def passes(self, event: SSEEvent) -> bool:
        """See :meth:`StreamDecoder.passes`: a format that reads every event says none."""
        return False

    def tool_run(self, data: bytes | bytearray, start: int = 0) -> int:
        """See :meth:`StreamDecoder.tool_run`: a format that reads every event says none."""
        return start

    @property
    def run_pending(self) -> bool:
        """See :meth:`StreamDecoder.run_pending`: never, as no run is found."""
        return False

    def tool_parts(self, run: bytes) -> list[StreamPart]:
        """See :meth:`StreamDecoder.tool_parts` (never called: no run is found)."""
        raise NotImplementedError

    def finish(self) -> Response:
        """The response as read so far: blocks in stream order (an unfinished one as far as
        it went), stop reason, usage, model and id."""
        r = self._response
        blocks = [builder.build() for builder in self._builders]
        return Response(
            r.format, r.model, r.id, blocks, r.stop_reason, dataclasses.replace(r.usage)
        )
