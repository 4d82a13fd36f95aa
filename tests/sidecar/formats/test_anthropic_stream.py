"""The Anthropic Messages stream: parts, and writing the client's side of the stream."""

from __future__ import annotations

import json
from typing import Any

import anthropic as sdk
import pytest
from anthropic.types import RawMessageStreamEvent
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import TypeAdapter

from sluice.model import Block, Response, Text, Thinking, ToolCall, ToolResult
from sluice.sidecar.formats import PartKind, StreamPart
from sluice.sidecar.formats.anthropic import AnthropicStream
from sluice.sidecar.sse import SSEEvent, SSEParser
from tests.sidecar.formats.recorded_streams import (
    BASH,
    READ,
    A,
    anthropic_client,
    client_events,
    decode,
    recording,
)

K = PartKind
EVENTS = TypeAdapter(RawMessageStreamEvent)


def final_message(stream: bytes) -> sdk.types.Message:
    """What the official SDK's stream helper makes of ``stream``."""
    client = anthropic_client(stream)
    with client.messages.stream(
        model="claude-test", max_tokens=64, messages=[{"role": "user", "content": "hi"}]
    ) as events:
        return events.get_final_message()


def started() -> tuple[AnthropicStream, bytes]:
    """A decoder that has read a message_start, and that event's bytes."""
    first = recording("anthropic_text").data.split(b"\n\n")[0] + b"\n\n"
    _, decoder = decode(A, [first])
    assert isinstance(decoder, AnthropicStream)
    return decoder, first


def test_parts_of_thinking_text_and_parallel_tool_calls() -> None:
    parts, _ = decode(A, [recording("anthropic_thinking_tools").data])
    assert [(p.kind, p.index) for p in parts] == [
        (K.MESSAGE_START, None),
        *[(K.BLOCK_START, 0), (K.BLOCK_DELTA, 0), (K.BLOCK_DELTA, 0), (K.BLOCK_DELTA, 0)],
        (K.BLOCK_STOP, 0),
        *[(K.BLOCK_START, 1), (K.BLOCK_DELTA, 1), (K.BLOCK_STOP, 1)],
        (K.OTHER, None),  # ping
        *[(K.BLOCK_START, 2), *[(K.BLOCK_DELTA, 2)] * 4, (K.BLOCK_STOP, 2)],
        *[(K.BLOCK_START, 3), *[(K.BLOCK_DELTA, 3)] * 2, (K.BLOCK_STOP, 3)],
        (K.MESSAGE_DELTA, None),
        (K.MESSAGE_STOP, None),
    ]
    start = parts[10]
    assert start.block == ToolCall(BASH.id, "Bash", "")  # what is known when a block starts
    assert [p.delta for p in parts[11:15]] == [
        "",
        '{"command": "ls -la',
        ' src/", "descr',
        'iption": "List files"}',
    ]


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (
            '{"type":"content_block_delta","index":7,"delta":{"type":"text_delta","text":"x"}}',
            K.ERROR,
        ),
        ('{"type":"content_block_stop","index":7}', K.ERROR),
        ('{"type":"content_block_start","index":1}', K.ERROR),
        ("[1, 2]", K.ERROR),
        ("not json", K.ERROR),
        ('{"type":"message_delta","delta":{"stop_reason":5}}', K.ERROR),
        ('{"type":"content_block_mystery","index":0}', K.OTHER),
        ('{"type":"error","error":{"type":"api_error","message":"boom"}}', K.ERROR),
    ],
)
def test_events_that_cannot_be_read_pass_as_parts_without_raising(
    data: str, kind: PartKind
) -> None:
    decoder, _ = started()
    event = SSEParser().feed(f"event: x\ndata: {data}\n\n".encode())[0]
    assert decoder.feed(event) == [StreamPart(kind, event)]


def test_a_delta_of_the_wrong_kind_is_ignored_as_the_sdk_ignores_it() -> None:
    decoder, _ = started()
    stream = (
        b'event: content_block_start\ndata: {"type":"content_block_start","index":0,'
        b'"content_block":{"type":"tool_use","id":"toolu_1","name":"Bash","input":{}}}\n\n'
        b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,'
        b'"delta":{"type":"text_delta","text":"rm -rf /"}}\n\n'
    )
    parts, _ = decode(A, [stream], decoder)
    assert (parts[1].kind, parts[1].delta) == (K.BLOCK_DELTA, None)
    assert decoder.finish().blocks == [ToolCall("toolu_1", "Bash", "")]


BLOCKS: list[Block] = [
    Text("Blocked by policy: this command is not allowed."),
    Text(""),
    ToolCall("toolu_sluice_1", "Read", '{"file_path": "/etc/hosts"}'),
    Thinking("Considering the request.", "EqQBCgIYAhIM"),
    Thinking("Unsigned thought."),
    Thinking("", "EmwKAhgBEgy3va3pzix", redacted=True),
]


@pytest.mark.parametrize("block", BLOCKS, ids=repr)
def test_render_block_reads_back_and_is_valid_for_the_sdk(block: Block) -> None:
    decoder, first = started()
    rendered = decoder.render_block(block)

    for event in SSEParser().feed(rendered):
        data = json.loads(event.data or "")
        assert event.event == data["type"]  # Anthropic streams always name their events
        EVENTS.validate_python(data)
    parts, again = decode(A, [first + rendered])
    assert parts[1].kind is K.BLOCK_START
    assert (parts[-1].kind, parts[-1].index, parts[-1].block) == (K.BLOCK_STOP, 0, block)
    assert again.finish().blocks == [block]


def test_render_block_refuses_a_tool_result() -> None:
    decoder, _ = started()
    with pytest.raises(ValueError, match="cannot carry a ToolResult"):
        decoder.render_block(ToolResult("toolu_1", "ok"))


def test_dropping_a_tool_call_renumbers_the_blocks_after_it() -> None:
    parts, decoder = decode(A, [recording("anthropic_thinking_tools").data])
    out = b"".join(decoder.forward(p) for p in parts if p.index != 2)  # drop Bash

    again, redecoded = decode(A, [out])
    assert [p.index for p in again if p.kind is K.BLOCK_START] == [0, 1, 2]
    assert redecoded.finish().blocks[2:] == [READ]
    message = final_message(out)
    assert [block.type for block in message.content] == ["thinking", "text", "tool_use"]
    assert message.stop_reason == "tool_use"


def test_blocking_every_tool_call_ends_the_turn_cleanly() -> None:
    parts, decoder = decode(A, [recording("anthropic_thinking_tools").data])
    out = b""
    for part in parts:
        if part.index in (2, 3) or part.kind in (K.MESSAGE_DELTA, K.MESSAGE_STOP):
            continue  # the blocked tool calls, and the upstream's own ending
        out += decoder.forward(part)
    out += decoder.render_block(Text("Bash and Read are blocked by policy.")) + decoder.render_end(
        "end_turn"
    )

    message = final_message(out)
    assert [block.type for block in message.content] == ["thinking", "text", "text"]
    assert message.content[2].text == "Bash and Read are blocked by policy."  # type: ignore[union-attr]
    assert message.stop_reason == "end_turn"
    assert (message.usage.input_tokens, message.usage.output_tokens) == (2095, 187)


def test_render_end_mid_block_closes_the_open_block_first() -> None:
    parts, decoder = decode(A, [recording("anthropic_text").data])
    out = b"".join(decoder.forward(p) for p in parts[:4]) + decoder.render_end("end_turn")

    message = final_message(out)
    assert [(b.type, b.text) for b in message.content] == [("text", "Bonjour ! Voilà")]  # type: ignore[union-attr]
    assert message.stop_reason == "end_turn"
    assert decoder.render_close() == b""  # nothing is left open


def test_blocks_the_model_does_not_represent_are_renumbered_too() -> None:
    parts, decoder = decode(A, [recording("anthropic_server_tool").data])
    out = b"".join(decoder.forward(p) for p in parts if p.index != 0)

    message = final_message(out)
    assert [b.type for b in message.content] == [
        "server_tool_use",
        "web_search_tool_result",
        "text",
    ]


def test_forwarding_a_part_before_its_block_start_fails_at_once() -> None:
    parts, decoder = decode(A, [recording("anthropic_text").data])
    with pytest.raises(ValueError, match="forwarded before its start"):
        decoder.forward(parts[3])


@pytest.mark.parametrize(
    ("status", "error_type"),
    [(400, "invalid_request_error"), (429, "rate_limit_error"), (529, "overloaded_error")],
)
def test_render_error_is_raised_by_the_sdk(status: int, error_type: str) -> None:
    parts, decoder = decode(A, [recording("anthropic_text").data])
    out = b"".join(decoder.forward(p) for p in parts[:4]) + decoder.render_error(status, "Blocked")

    assert json.loads(out.rsplit(b"data: ", 1)[1])["error"] == {
        "type": error_type,
        "message": "Blocked",
    }
    with pytest.raises(sdk.APIStatusError, match="Blocked"):
        final_message(out)


def test_a_piece_of_a_block_that_already_ended_is_an_error() -> None:
    stream = (
        b'event: content_block_start\ndata: {"type":"content_block_start","index":0,'
        b'"content_block":{"type":"tool_use","id":"toolu_1","name":"Bash","input":{}}}\n\n'
        b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,'
        b'"delta":{"type":"input_json_delta","partial_json":"{\\"command\\": \\"ls\\"}"}}\n\n'
        b'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n'
        b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,'
        b'"delta":{"type":"input_json_delta","partial_json":" && rm -rf /"}}\n\n'
        b'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n'
    )
    decoder, _ = started()
    parts, _ = decode(A, [stream], decoder)
    assert [p.kind for p in parts] == [K.BLOCK_START, K.BLOCK_DELTA, K.BLOCK_STOP, K.ERROR, K.ERROR]
    assert decoder.finish().blocks == [ToolCall("toolu_1", "Bash", '{"command": "ls"}')]


def delta_event(text: str, index: int = 0) -> bytes:
    data = {
        "type": "content_block_delta",
        "index": index,
        "delta": {"type": "text_delta", "text": text},
    }
    return f"event: content_block_delta\ndata: {json.dumps(data)}\n\n".encode()


def skimming(read_text: bool = False) -> AnthropicStream:
    """A decoder inside a text block (its start forwarded), reading text or not."""
    decoder = AnthropicStream(read_text=read_text)
    stream = recording("anthropic_text").data
    head = b"\n\n".join(stream.split(b"\n\n")[:2]) + b"\n\n"  # message_start, block start
    for event in SSEParser().feed(head):
        for part in decoder.feed(event):
            decoder.forward(part)
    return decoder


_STOP = b'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n'


def test_deltas_of_a_text_block_nobody_reads_pass_unfed() -> None:
    deltas = delta_event("Hello") + delta_event(", world")
    assert skimming().unread(deltas) == len(deltas)
    # The block's stop goes with them; a delta after it belongs to no block: it is fed.
    assert skimming().unread(deltas + _STOP + delta_event("!")) == len(deltas + _STOP)
    assert skimming().unread(_STOP + deltas, len(_STOP)) == len(_STOP + deltas)
    assert skimming().unread(deltas + delta_event("!")[:-1]) == len(deltas)  # whole ones only


@pytest.mark.parametrize(
    "chunk",
    [
        _STOP.replace(b"0}", b"1}"),  # another block's stop
        _STOP.replace(b":0}", b": 0}"),  # spelt otherwise
        b"event: ping\ndata: {}\n\n" + delta_event("Hi"),
        delta_event("Hi")[:-1] + b"event: message_stop\n\n",  # a second event line renames it
        delta_event("Hi")[:-1] + b"event\n\n",  # so does a bare one
        b'data: {"type":"content_block_delta"}\n\n',  # unnamed: read to know what it is
    ],
)
def test_anything_but_deltas_of_the_skimmed_block_is_fed(chunk: bytes) -> None:
    assert skimming().unread(chunk) == 0


PING = b'event: ping\ndata: {"type": "ping"}\n\n'  # as Anthropic writes it


def _whole_deltas(data: bytes, start: int) -> int:
    """Where the delta events and pings from ``start`` end, told event by event: a delta
    starts with its ``event:`` line, ends at the first blank line and has no line starting
    with ``event``; a ping is spelt as Anthropic writes it."""
    end = start
    while True:
        if data.startswith(PING, end):
            end += len(PING)
            continue
        if not data.startswith(b"event: content_block_delta\n", end):
            return end
        stop = data.find(b"\n\n", end)
        if stop == -1 or data.find(b"\nevent", end, stop) != -1:
            return end
        end = stop + 2


_SOUP = [
    delta_event("Hi"),
    PING,
    b"event: content_block_delta\n",
    b"event: ping\n",
    b"event",
    b"data: x",
]


@given(st.lists(st.sampled_from([*_SOUP, b"\n", b"\n\n", b"e", b"v"]), max_size=30))
@example([delta_event("Hi"), b"data: x", b"\n\n"])  # an unnamed event after one: not a delta
@example([delta_event("Hi")[:-1], b"event", b"\n\n"])  # a second event line renames it
def test_skimmed_deltas_end_where_the_events_say(pieces: list[bytes]) -> None:
    data = b"".join(pieces)
    assert skimming().unread(data) == _whole_deltas(data, 0)
    assert skimming().unread(bytearray(b"xx" + data), 2) == _whole_deltas(b"xx" + data, 2)


def _sse(data: dict[str, Any], spelt: bool) -> bytes:
    """An event as Anthropic writes it (``spelt``), or as JSON with spaces."""
    text = json.dumps(data, separators=(",", ":") if spelt else None)
    return f"event: {data['type']}\ndata: {text}\n\n".encode()


@st.composite
def _blocks_stream(draw: st.DrawFn) -> tuple[list[bytes], int | None]:
    """A stream's events, in one chunk per block (message start and end in their own),
    each event spelt as Anthropic writes it or not (often a block's every event), pings
    between them, block indices with gaps, cut anywhere; and before which chunk the
    gateway adds a block, if it does."""
    spelt = st.booleans()
    message: dict[str, Any] = {"id": "msg_1", "type": "message", "role": "assistant"}
    message |= {"model": "claude", "content": [], "usage": {"input_tokens": 5}}
    events = [_sse({"type": "message_start", "message": message}, draw(spelt))]
    chunks, index = [], -1
    for kind in draw(st.lists(st.sampled_from(["text", "tool_use", "thinking"]), max_size=4)):
        chunks.append(b"".join(events))
        index += draw(st.sampled_from([1, 1, 1, 2]))
        spelt = st.just(True) if draw(st.booleans()) else st.booleans()
        start: dict[str, Any] = {"type": kind, "text": ""}
        key, delta_type = "text", "text_delta"
        if kind == "tool_use":  # (a name not in ASCII is escaped: read as it comes)
            name = draw(st.sampled_from(["Bash", "Lés"]))
            start = {"type": kind, "id": "toolu_1", "name": name, "input": {}}
            key, delta_type = "partial_json", "input_json_delta"
        elif kind == "thinking":
            start, key, delta_type = {"type": kind, "thinking": ""}, "thinking", "thinking_delta"
        head = {"type": "content_block_start", "index": index, "content_block": start}
        events = [_sse(head, draw(spelt))]
        pieces = draw(st.lists(st.sampled_from(["Hi", ' "x"', "é"]), max_size=3))
        late = draw(st.booleans())  # a delta after its block stopped: an error, sent on
        for number, piece in enumerate([*pieces, "late"] if late else pieces):
            if number == len(pieces):
                events.append(_sse({"type": "content_block_stop", "index": index}, draw(spelt)))
            delta = {"type": delta_type, key: piece}
            events.append(
                _sse({"type": "content_block_delta", "index": index, "delta": delta}, draw(spelt))
            )
            if draw(st.booleans()):
                events.append(PING)
        if not late:
            events.append(_sse({"type": "content_block_stop", "index": index}, draw(spelt)))
    chunks.append(b"".join(events))
    end: dict[str, Any] = {"type": "message_delta", "delta": {"stop_reason": "end_turn"}}
    end["usage"] = {"output_tokens": 9}
    chunks.append(_sse(end, True) + _sse({"type": "message_stop"}, True))
    kept = draw(st.integers(0, sum(chunk.count(b"\n\n") for chunk in chunks)))
    sent = []  # the events after the first ``kept`` never come
    for chunk in chunks:
        events = chunk.split(b"\n\n")[:-1][:kept]
        kept -= len(events)
        sent.append(b"".join(event + b"\n\n" for event in events))
    return sent, draw(st.none() | st.integers(0, len(chunks) - 1))


def _read(
    chunks: list[bytes], added_at: int | None, skim: bool, tool_runs: bool = False
) -> tuple[bytes, Response]:
    """What a stream sends, read skimming (as an enforcer with nothing held reads it; with
    ``tool_runs``, as one holding tool calls does) or event by event, and the decoder's
    account of it at the end."""
    decoder, parser, out = AnthropicStream(read_text=False), SSEParser(), b""
    for number, chunk in enumerate(chunks):
        if number == added_at:
            out += decoder.render_block(Text("added by the gateway"))
        if not skim:
            out += b"".join(decoder.forward(p) for e in parser.feed(chunk) for p in decoder.feed(e))
            continue
        out += parser.skim(chunk, decoder.unread)
        while True:
            if tool_runs and (run := parser.skim(b"", decoder.tool_run)):
                parts = decoder.tool_parts(run)
            elif (event := parser.next_event()) is not None:
                parts = decoder.feed(event)
            else:
                break
            out += b"".join(decoder.forward(part) for part in parts)
            out += parser.skim(b"", decoder.unread)
    return out + decoder.render_end("end_turn"), decoder.finish()


@given(_blocks_stream(), st.booleans())
def test_what_a_skim_takes_reads_as_fed_event_by_event(
    stream: tuple[list[bytes], int | None], tool_runs: bool
) -> None:
    """The response's start, text blocks' starts and stops that a skim takes (with the
    deltas and pings), and the tool calls' events that tool runs take, leave the decoder
    as feeding them does: same bytes sent (renumbered alike), same blocks, usage and stop
    reason, same blocks left open."""
    chunks, added_at = stream
    sent, response = _read(chunks, added_at, skim=True, tool_runs=tool_runs)
    fed, fed_response = _read(chunks, added_at, skim=False)
    assert response == fed_response
    assert client_events(sent) == client_events(fed)
    if not (tool_runs and _renumbered(chunks, added_at)):
        # (Renumbered, an event fed is written anew; a tool run's bytes keep their spelling.)
        assert sent == fed


def _renumbered(chunks: list[bytes], added_at: int | None) -> bool:
    """Whether the client numbers the blocks of ``chunks`` otherwise than upstream."""
    starts = [
        json.loads(e.data or "")["index"]
        for e in SSEParser().feed(b"".join(chunks))
        if e.event == "content_block_start"
    ]
    return added_at is not None or starts != list(range(len(starts)))


def test_a_recorded_answers_start_and_text_pass_unfed_when_text_is_not_read() -> None:
    stream = recording("anthropic_text").data
    decoder, reading = AnthropicStream(read_text=False), AnthropicStream(read_text=True)
    rest = stream[decoder.unread(stream) :]
    assert rest.startswith(b"event: message_delta\n")  # everything before the end: taken
    assert [p.kind for e in SSEParser().feed(rest) for p in decoder.feed(e)] == [
        K.MESSAGE_DELTA,
        K.MESSAGE_STOP,
    ]
    for event in SSEParser().feed(stream):
        reading.feed(event)
    skimmed, read = decoder.finish(), reading.finish()
    assert (skimmed.id, skimmed.model, skimmed.usage, skimmed.stop_reason) == (
        read.id,
        read.model,
        read.usage,
        read.stop_reason,
    )
    assert skimmed.blocks == [Text("")]  # the text itself is not read
    assert read.blocks != skimmed.blocks


def test_text_read_or_renumbered_is_fed() -> None:
    assert skimming(read_text=True).unread(delta_event("Hi")) == 0
    renumbered = skimming()
    renumbered.render_block(Text("added by the gateway"))
    assert renumbered.unread(delta_event("Hi")) == 0


def test_pings_pass_unfed_when_text_is_not_read() -> None:
    renumbered = skimming()
    renumbered.render_block(Text("added by the gateway"))
    outside_text = AnthropicStream(read_text=False)  # in no block yet
    data = PING + PING + delta_event("Hi")
    # In the skimmed block the delta goes with them; elsewhere only the pings do.
    for decoder, taken in (
        (skimming(), len(data)),
        (renumbered, 2 * len(PING)),
        (outside_text, 2 * len(PING)),
    ):
        assert decoder.unread(data) == taken
        assert decoder.passes(SSEParser().feed(PING)[0])
    reading = skimming(read_text=True)
    assert reading.unread(PING) == 0
    assert not reading.passes(SSEParser().feed(PING)[0])
    assert skimming().unread(b"event: ping\ndata: {}\n\n") == 0  # spelt otherwise: fed


_TOOL_START = (
    b'event: content_block_start\ndata: {"type":"content_block_start","index":0,'
    b'"content_block":{"type":"tool_use","id":"toolu_1","name":"Bash","input":{}}}\n\n'
)


def _argument_part(data: str) -> StreamPart:
    """The part for ``data``, a delta event of an open tool call at index 0."""
    decoder, _ = started()
    decoder.feed(SSEParser().feed(_TOOL_START)[0])
    event = SSEParser().feed(f"event: content_block_delta\ndata: {data}\n\n".encode())[0]
    [part] = decoder.feed(event)
    return part


@given(piece=st.text(), ascii_only=st.booleans())
def test_an_argument_delta_reads_the_same_piece_however_it_is_escaped(
    piece: str, ascii_only: bool
) -> None:
    # Anthropic's own spelling is read without building the object: the piece must be
    # the one the JSON says, quotes, backslashes, control characters and all.
    quoted = json.dumps(piece, ensure_ascii=ascii_only)
    data = (
        '{"type":"content_block_delta","index":0,'
        f'"delta":{{"type":"input_json_delta","partial_json":{quoted}}}}}'
    )
    part = _argument_part(data)
    if any(0xD800 <= ord(c) <= 0xDFFF for c in piece):
        assert part.kind is K.ERROR  # a lone surrogate, which no provider accepts
    else:
        assert (part.kind, part.index, part.delta) == (K.BLOCK_DELTA, 0, piece)


@pytest.mark.parametrize(
    ("data", "delta"),
    [
        # Spelt otherwise than Anthropic writes it: read by the general path, the same way.
        (
            '{"index":0,"type":"content_block_delta","delta":{"type":"input_json_delta",'
            '"partial_json":"ab"}}',
            "ab",
        ),
        (
            '{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta",'
            '"partial_json":"ab","extra":"x"}}',
            "ab",
        ),
        (
            '{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta",'
            '"partial_json":"a\\"b"}}',
            'a"b',
        ),
        # Not valid: an error part, as before.
        (
            '{"type":"content_block_delta","index":00,"delta":{"type":"input_json_delta",'
            '"partial_json":"ab"}}',
            None,
        ),
        (
            '{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta",'
            '"partial_json":"a"b"}}',
            None,
        ),
        (
            '{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta",'
            '"partial_json":"a\x01b"}}',
            None,
        ),
        (
            '{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta",'
            '"partial_json":5"}}',
            None,
        ),
    ],
)
def test_an_argument_delta_spelt_otherwise_is_read_as_json_reads_it(
    data: str, delta: str | None
) -> None:
    part = _argument_part(data)
    if delta is None:
        assert part.kind is K.ERROR
    else:
        assert (part.kind, part.delta) == (K.BLOCK_DELTA, delta)


def test_an_argument_delta_of_a_block_not_open_is_an_error_part() -> None:
    data = (
        '{"type":"content_block_delta","index":3,'
        '"delta":{"type":"input_json_delta","partial_json":"ab"}}'
    )
    assert _argument_part(data).kind is K.ERROR


def _argument_event(piece: str, index: int = 0, ensure_ascii: bool = True) -> bytes:
    data = {
        "type": "content_block_delta",
        "index": index,
        "delta": {"type": "input_json_delta", "partial_json": piece},
    }
    dumped = json.dumps(data, ensure_ascii=ensure_ascii, separators=(",", ":"))
    return f"event: content_block_delta\ndata: {dumped}\n\n".encode()


def _in_a_tool_call() -> AnthropicStream:
    decoder, _ = started()
    decoder.feed(SSEParser().feed(_TOOL_START)[0])
    return decoder


@given(pieces=st.lists(st.text(max_size=8), max_size=6), ensure_ascii=st.booleans())
@example(pieces=["\x7f", 'a"b\\'], ensure_ascii=True)
@example(pieces=["é"], ensure_ascii=False)
def test_a_run_of_argument_deltas_reads_as_its_events_do(
    pieces: list[str], ensure_ascii: bool
) -> None:
    """A run is the argument deltas as Anthropic writes them, in printable ASCII, from
    the start; its one part adds what those events, fed one by one, add. (A ping follows:
    a run that reaches the end of what arrived waits for the rest of its call.)"""
    events = [_argument_event(piece, ensure_ascii=ensure_ascii) for piece in pieces]
    data = b"".join(events)
    taken = 0
    for piece, event in zip(pieces, events, strict=True):
        # Where a run should end: the first event not in printable ASCII, or escaping a
        # surrogate (half of a character beyond the BMP, which a run leaves to be read alone).
        line = event[:-2].split(b"\n")[1]
        if (
            not all(0x20 <= byte < 0x7F for byte in line)
            or max(map(ord, piece), default=0) > 0xFFFF
        ):
            break
        taken += len(event)
    run = _in_a_tool_call()
    assert run.tool_run(data + PING) == taken
    assert not run.run_pending
    one_by_one = _in_a_tool_call()
    expected = "".join(
        p.delta or "" for e in SSEParser().feed(data[:taken]) for p in one_by_one.feed(e)
    )
    if taken:
        [part] = run.tool_parts(data[:taken])
        assert (part.kind, part.index, part.delta, part.event) == (
            K.BLOCK_DELTA,
            0,
            expected,
            SSEEvent(data[:taken], "content_block_delta"),
        )
    assert run.finish().blocks == one_by_one.finish().blocks


@pytest.mark.parametrize(
    "event",
    [
        _argument_event('"\ud83d'),  # half of a pair: alone, it is not valid Unicode
        _argument_event("x", index=1),  # another block's
        _argument_event("é", ensure_ascii=False),  # not ASCII: read as it comes
        b'event: content_block_delta\ndata: {"type": "content_block_delta", "index": 0, '
        b'"delta": {"type": "input_json_delta", "partial_json": "x"}}\n\n',  # spelt otherwise
        _argument_event("x")[:-1],  # not whole yet
    ],
)
def test_a_run_of_argument_deltas_ends_before_an_event_to_read_alone(event: bytes) -> None:
    first = _argument_event('{"command": ')
    assert _in_a_tool_call().tool_run(first + event + first + PING) == len(first)


def test_no_run_outside_a_tool_call() -> None:
    decoder = _in_a_tool_call()
    stop = b'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n'
    [part] = decoder.feed(SSEParser().feed(stop)[0])
    assert part.kind is K.BLOCK_STOP
    assert decoder.tool_run(_argument_event("x")) == 0
    assert skimming().tool_run(_argument_event("x")) == 0


_STOP = b'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n'


@pytest.mark.parametrize("cut", [1, 2, 3])
def test_a_tool_call_cut_across_chunks_waits_and_is_read_whole(cut: int) -> None:
    """A call whose events reach the end of what arrived, its stop still to come, is not
    read yet: the rest is awaited (from where the last look stopped, even inside an
    event), and the whole call is one part."""
    events = [_TOOL_START, _argument_event('{"command": '), _argument_event('"ls"}'), _STOP]
    call = b"".join(events)
    head = b"".join(events[:cut]) + events[cut][:7]  # and a few bytes of the next event
    decoder, _ = started()
    assert decoder.tool_run(head) == 0
    assert decoder.run_pending
    assert decoder.tool_run(call + PING) == len(call)  # the same bytes, and the rest
    assert not decoder.run_pending
    [part] = decoder.tool_parts(call)
    assert (part.kind, part.block) == (K.BLOCK, ToolCall("toolu_1", "Bash", '{"command": "ls"}'))


def test_a_long_tool_call_is_read_in_runs_as_it_comes() -> None:
    """Past a bound, a call's events are not held back for the rest: they are read as
    they came, and the call's arguments still add up."""
    piece = "x" * 1000
    deltas = _argument_event('{"content": "') + _argument_event(piece) * 80
    decoder, _ = started()
    taken = decoder.tool_run(_TOOL_START + deltas)
    assert taken == len(_TOOL_START + deltas)
    assert not decoder.run_pending
    start, arguments = decoder.tool_parts(_TOOL_START + deltas)
    assert (start.kind, arguments.kind) == (K.BLOCK_START, K.BLOCK_DELTA)
    assert decoder.tool_run(_argument_event('"}') + _STOP) == len(_argument_event('"}') + _STOP)
    _, stop = decoder.tool_parts(_argument_event('"}') + _STOP)
    assert stop.block == ToolCall("toolu_1", "Bash", json.dumps({"content": piece * 80}))


def test_a_tool_call_whole_in_a_chunk_is_one_part_renumbered_event_by_event() -> None:
    """Start, deltas and stop read at once are the whole call; sent after a block the
    gateway added, each of its events carries the client's index."""
    call = _TOOL_START + _argument_event('{"command": ') + _argument_event('"ls"}')
    call += b'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n'
    decoder, _ = started()
    assert decoder.tool_run(call + PING) == len(call)  # (a ping is read alone)
    [part] = decoder.tool_parts(call)
    whole = ToolCall("toolu_1", "Bash", '{"command": "ls"}')
    assert (part.kind, part.index, part.block, part.event) == (K.BLOCK, 0, whole, SSEEvent(call))
    decoder.render_block(Text("added by the gateway"))
    assert decoder.forward(part) == call.replace(b'"index":0', b'"index":1')
    assert decoder.finish().blocks == [whole]
    assert decoder.render_close() == b""  # begun and ended for the client


@pytest.mark.parametrize(
    ("data", "kind", "index"),
    [
        ('{"type":"content_block_stop","index":0}', K.BLOCK_STOP, 0),
        ('{"index":0,"type":"content_block_stop"}', K.BLOCK_STOP, 0),  # spelt otherwise
        ('{"type":"content_block_stop","index":00}', K.ERROR, None),  # not JSON
        ('{"type":"content_block_stop","index":7}', K.ERROR, None),  # never started
        ('{"type":"content_block_stop","index":0,"x":1}', K.BLOCK_STOP, 0),
    ],
)
def test_a_block_stop_reads_the_same_however_spelt(
    data: str, kind: PartKind, index: int | None
) -> None:
    decoder = _in_a_tool_call()
    event = SSEParser().feed(f"event: content_block_stop\ndata: {data}\n\n".encode())[0]
    [part] = decoder.feed(event)
    assert (part.kind, part.index) == (kind, index)


@pytest.mark.parametrize("spelt_as_anthropic", [(True, True), (True, False), (False, True)])
def test_usage_and_stop_reason_read_later_come_in_the_order_sent(
    spelt_as_anthropic: tuple[bool, bool],
) -> None:
    """``message_start`` and ``message_delta`` as Anthropic writes them are read only when
    asked for, others at once: either way the later counts replace the earlier ones."""
    usage = {"input_tokens": 12, "output_tokens": 1}
    message: dict[str, Any] = {"id": "msg_1", "model": "claude-x", "content": [], "usage": usage}
    start = _sse({"type": "message_start", "message": message}, spelt_as_anthropic[0])
    delta = {"stop_reason": "end_turn", "stop_sequence": None}
    end = _sse(
        {"type": "message_delta", "delta": delta, "usage": {"output_tokens": 9}},
        spelt_as_anthropic[1],
    )
    decoder = AnthropicStream()
    kinds = [p.kind for e in SSEParser().feed(start + end) for p in decoder.feed(e)]
    assert kinds == [K.MESSAGE_START, K.MESSAGE_DELTA]
    response = decoder.finish()
    assert (response.id, response.model, response.stop_reason) == ("msg_1", "claude-x", "end_turn")
    assert (response.usage.input_tokens, response.usage.output_tokens) == (12, 9)
    assert b'"output_tokens":9' in decoder.render_end("end_turn")


@pytest.mark.parametrize(
    ("data", "block"),
    [
        (
            '{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}',
            Text(""),
        ),
        (
            '{"index":1,"type":"content_block_start","content_block":{"text":"","type":"text"}}',
            Text(""),
        ),
        (
            '{"type":"content_block_start","index":1,"content_block":{"type":"text","text":"Hi"}}',
            Text("Hi"),
        ),
        (
            '{"type":"content_block_start","index":1,"content_block":{"type":"tool_use",'
            '"id":"toolu_2","name":"mcp__git__log","input":{}}}',
            ToolCall("toolu_2", "mcp__git__log", ""),
        ),
        (
            '{"type":"content_block_start","index":1,"content_block":{"type":"tool_use",'
            '"id":"toolu_\\u0032","name":"Bash","input":{}}}',
            ToolCall("toolu_2", "Bash", ""),
        ),
        (
            '{"type":"content_block_start","index":1,"content_block":{"type":"tool_use",'
            '"id":"toolu_2","name":"Bash","input":{"a":1}}}',
            ToolCall("toolu_2", "Bash", '{"a":1}'),
        ),
        (
            '{"type":"content_block_start","index":01,"content_block":{"type":"text","text":""}}',
            None,
        ),  # not JSON
    ],
)
def test_a_block_start_reads_the_same_however_spelt(data: str, block: Block | None) -> None:
    decoder, _ = started()
    event = SSEParser().feed(f"event: content_block_start\ndata: {data}\n\n".encode())[0]
    [part] = decoder.feed(event)
    if block is None:
        assert part.kind is K.ERROR
    else:
        assert (part.kind, part.index, part.block) == (K.BLOCK_START, 0, block)
