"""The registry, and every stream decoder against every recording, split at every byte."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sluice.model import Format
from sluice.sidecar.formats import (
    PartKind,
    StreamDecoder,
    StreamPart,
    adapter_for,
    anthropic,
    openai_chat,
    openai_responses,
)
from sluice.sidecar.sse import SSEParser
from tests.sidecar.formats.recorded_streams import RECORDINGS, Recording, decode, wire

by_recording = pytest.mark.parametrize("rec", RECORDINGS, ids=str)
# The id of an item the gateway writes, new each time.
_GATEWAY_ID = re.compile(rb"msg_[0-9a-f]{32}")


@pytest.mark.parametrize(
    ("fmt", "module"),
    [
        (Format.ANTHROPIC, anthropic),
        (Format.OPENAI_CHAT, openai_chat),
        (Format.OPENAI_RESPONSES, openai_responses),
    ],
)
def test_adapter_for_gives_the_format_module(fmt: Format, module: object) -> None:
    assert adapter_for(fmt) is module
    assert adapter_for(fmt).stream_decoder() is not adapter_for(fmt).stream_decoder()


@by_recording
def test_decodes_to_the_expected_response(rec: Recording) -> None:
    _, decoder = decode(rec.format, [rec.data])
    assert decoder.finish() == rec.expected


def meaning(parts: list[StreamPart]) -> list[tuple[PartKind, int | None]]:
    # A CRLF split across chunks may come back from the SSE parser as an extra event holding
    # only the LF: bytes, but no meaning.
    return [(p.kind, p.index) for p in parts if p.event is None or p.event.raw.strip(b"\r\n")]


@by_recording
def test_every_split_point_gives_back_the_same_bytes_and_response(rec: Recording) -> None:
    data = rec.data
    whole, _ = decode(rec.format, [data])
    for cut in range(len(data) + 1):
        parts, decoder = decode(rec.format, [data[:cut], data[cut:]])
        assert wire(parts) == data, f"split at {cut}"
        assert meaning(parts) == meaning(whole), f"split at {cut}"
        assert decoder.finish() == rec.expected, f"split at {cut}"


@by_recording
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_chunking_gives_back_the_same_bytes_and_response(
    rec: Recording, data: st.DataObject
) -> None:
    raw = rec.data
    cuts = sorted(data.draw(st.lists(st.integers(0, len(raw)), max_size=30)))
    chunks = [raw[a:b] for a, b in zip([0, *cuts], [*cuts, len(raw)], strict=True)]
    parts, decoder = decode(rec.format, chunks)
    assert wire(parts) == raw
    assert decoder.finish() == rec.expected


@by_recording
def test_forwarding_every_part_passes_the_stream_through_unchanged(rec: Recording) -> None:
    parts, decoder = decode(rec.format, [rec.data])
    assert b"".join(decoder.forward(part) for part in parts) == rec.data


@by_recording
def test_each_block_starts_once_and_stops_with_its_whole_block(rec: Recording) -> None:
    parts, decoder = decode(rec.format, [rec.data])
    starts = [p.index for p in parts if p.kind is PartKind.BLOCK_START]
    stops = {
        p.index: p.block for p in parts if p.kind is PartKind.BLOCK_STOP and p.index is not None
    }
    assert starts == list(range(len(rec.expected.blocks)))
    for index, block in stops.items():
        assert block == rec.expected.blocks[index]
    deltas: dict[int, str] = {}
    for part in parts:
        if part.index is not None and part.delta is not None:
            deltas[part.index] = deltas.get(part.index, "") + part.delta
    for index, text in deltas.items():  # the pieces add up to the block's text or arguments
        block = decoder.finish().blocks[index]
        assert text == getattr(block, "arguments", None) or text == getattr(block, "text", None)


def _forwarded(decoder: StreamDecoder, data: bytes, skim: bool) -> tuple[bytes, int]:
    """What the client gets for ``data`` with every part forwarded, the text nobody reads
    skimmed (``skim``) as the enforcer does; and how many events were fed."""
    parser, out, fed = SSEParser(), b"", 0
    if skim:
        out += parser.skim(data, decoder.unread)
    else:
        parser.add(data)
    while (event := parser.next_event()) is not None:
        fed += 1
        for part in decoder.feed(event):
            out += decoder.forward(part)
        if skim:
            out += parser.skim(b"", decoder.unread)
    return out, fed


@by_recording
def test_a_decoder_that_reads_no_text_skims_it_and_ends_the_stream_alike(rec: Recording) -> None:
    """Text nobody reads passes unfed, as the provider wrote it; a stream the gateway ends
    (wherever the upstream stopped) ends as it would with every event read: the items it
    closes hold the text that came, numbered after what the client has."""
    module = adapter_for(rec.format)
    ends = [at + 2 for at in range(len(rec.data)) if rec.data.startswith(b"\n\n", at)]
    for cut in ends:
        reading, skimming = module.stream_decoder(), module.stream_decoder(read_text=False)
        read, read_fed = _forwarded(reading, rec.data[:cut], skim=False)
        skimmed, skimmed_fed = _forwarded(skimming, rec.data[:cut], skim=True)
        assert skimmed == read
        ending = (reading.render_end("end_turn"), skimming.render_end("end_turn"))
        assert _GATEWAY_ID.sub(b"msg_", ending[1]) == _GATEWAY_ID.sub(b"msg_", ending[0]), cut
    if rec.name.endswith("_text"):  # a stream of text, in each format: its text unfed
        assert skimmed_fed < read_fed
