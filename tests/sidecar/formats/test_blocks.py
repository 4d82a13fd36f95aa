"""Blocks on the wire: building them from pieces, numbering them, merging them into bodies."""

from __future__ import annotations

import pytest

from sluice.model import Block, Text, Thinking, ToolCall
from sluice.sidecar.formats._blocks import BlockBuilder, Numbering, merge_items

A, B, C = Text("a"), Text("b"), Text("c")


def item(name: str) -> dict[str, str]:
    return {"wire": name}


def render(block: Block) -> dict[str, str]:
    assert isinstance(block, Text)
    return {"new": block.text}


@pytest.mark.parametrize(
    ("read", "blocks", "expected"),
    [
        # items: a, (x), b -- x is an item the model does not represent
        ([A, None, B], [A, B], ["a", "x", "b"]),
        ([A, None, B], [A, C], ["a", "x", "new c"]),  # replaced: x keeps its place
        ([A, None, B], [A], ["a", "x"]),  # removed
        ([A, None, B], [C], ["new c", "x"]),
        ([A, None, B], [A, B, C], ["a", "x", "b", "new c"]),  # added at the end
        ([None, A], [], ["x"]),
        ([None, None], [C], ["x", "x", "new c"]),
    ],
)
def test_merge_items_keeps_unchanged_and_unrepresented_items(
    read: list[Block | None], blocks: list[Block], expected: list[str]
) -> None:
    items = [item("x") if b is None else item(b.text) for b in read]  # type: ignore[union-attr]
    merged = merge_items(items, read, blocks, render)
    assert [m.get("wire") or f"new {m['new']}" for m in merged] == expected


@pytest.mark.parametrize(
    ("start", "pieces", "signature", "built"),
    [
        (Text(""), ["Hel", "lo"], None, Text("Hello")),
        (ToolCall("t", "f", ""), ['{"a"', ":1}"], None, ToolCall("t", "f", '{"a":1}')),
        (Thinking("", None), ["hm"], "sig", Thinking("hm", "sig")),
        (Thinking("x", "old"), [], None, Thinking("x", "old")),
    ],
)
def test_block_builder_joins_pieces_into_a_new_block(
    start: Block, pieces: list[str], signature: str | None, built: Block
) -> None:
    builder = BlockBuilder(start)
    for piece in pieces:
        builder.add(piece)
    if signature is not None:
        builder.sign(signature)
    assert builder.build() == built
    assert builder.build() is not builder.build()


def test_numbering_stays_identity_until_a_block_is_dropped_or_inserted() -> None:
    numbering = Numbering()
    assert (numbering.start(0), numbering.start(1), numbering.identity) == (0, 1, True)
    assert (numbering.start(3), numbering.identity) == (2, False)  # upstream 2 was dropped
    assert (numbering.insert(), numbering.start(4)) == (3, 4)
    assert (numbering.get(3), numbering.find(2), numbering.find("x")) == (2, None, None)
    with pytest.raises(ValueError, match="upstream block 2 was forwarded before its start"):
        numbering.get(2)
