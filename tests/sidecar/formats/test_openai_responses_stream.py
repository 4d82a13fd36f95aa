"""The Responses stream: items as blocks, sequence numbers, and writing the client's side."""

from __future__ import annotations

import json
import re
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openai.types.responses import Response as SDKResponse
from openai.types.responses import ResponseErrorEvent, ResponseIncompleteEvent, ResponseStreamEvent
from pydantic import TypeAdapter

from sluice.model import Block, Text, Thinking, ToolCall, ToolResult
from sluice.sidecar.formats import PartKind, StreamPart, _openai_responses_stream
from sluice.sidecar.formats._json import load_object
from sluice.sidecar.sse import SSEParser
from tests.sidecar.formats.recorded_streams import SUMMARY, R, decode, openai_client, recording

K = PartKind
EVENTS = TypeAdapter(ResponseStreamEvent)


def final_response(stream: bytes) -> SDKResponse:
    """What the official SDK's stream helper makes of ``stream``."""
    with openai_client(stream).responses.stream(model="gpt-5", input="hi") as events:
        for _ in events:
            pass
        return events.get_final_response()


def events_of(stream: bytes) -> list[dict[str, Any]]:
    return [json.loads(event.data or "") for event in SSEParser().feed(stream)]


def assert_numbered_for_the_client(stream: bytes) -> None:
    """Sequence numbers increase; items are added at 0, 1, 2... in order."""
    events = events_of(stream)
    numbers = [event["sequence_number"] for event in events]
    assert numbers == sorted(set(numbers)), numbers
    added = [
        event["output_index"] for event in events if event["type"] == "response.output_item.added"
    ]
    assert added == list(range(len(added)))


def test_parts_of_reasoning_a_hosted_tool_and_function_calls() -> None:
    parts, _ = decode(R, [recording("openai_responses_reasoning_tools").data])
    kinds = [(p.kind, p.index) for p in parts]
    assert kinds[:3] == [(K.MESSAGE_START, None), (K.OTHER, None), (K.BLOCK_START, 0)]
    assert kinds[15:20] == [(K.OTHER, None)] * 5  # the web search call: not a neutral block
    assert kinds[20] == (K.BLOCK_START, 1)
    assert kinds[-1] == (K.MESSAGE_STOP, None)
    summary_pieces = "".join(p.delta or "" for p in parts if p.index == 0)
    assert summary_pieces == SUMMARY  # the parts' pieces add up to the joined summary


def started() -> tuple[bytes, int]:
    """The first two events of a stream (sequence numbers 0 and 1)."""
    data = recording("openai_responses_text").data
    head = b"".join(event.raw for event in SSEParser().feed(data)[:2])
    return head, 2


BLOCKS: list[Block] = [
    Text("Blocked by policy."),
    ToolCall("call_sluice_1", "get_weather", '{"location":"Oslo"}'),
    Thinking("**Checking**\n\nthe policy.", "gAAAAABoEnc"),
    Thinking("", "gAAAAABoEnc"),
]


@pytest.mark.parametrize("block", BLOCKS, ids=repr)
def test_render_block_reads_back_and_is_valid_for_the_sdk(block: Block) -> None:
    head, next_number = started()
    parts, decoder = decode(R, [head])
    out = b"".join(decoder.forward(p) for p in parts)

    rendered = decoder.render_block(block)

    for event in events_of(rendered):
        EVENTS.validate_python(event)
    assert events_of(rendered)[0]["sequence_number"] == next_number
    assert_numbered_for_the_client(out + rendered)
    again, redecoded = decode(R, [head, rendered])
    assert again[-1].kind is K.BLOCK_STOP
    assert redecoded.finish().blocks == [block]


def test_render_block_refuses_a_tool_result() -> None:
    _, decoder = decode(R, [recording("openai_responses_text").data])
    with pytest.raises(ValueError, match="cannot carry a ToolResult"):
        decoder.render_block(ToolResult("call_1", "ok"))


def test_replacing_a_tool_call_renumbers_everything_after_it() -> None:
    parts, decoder = decode(R, [recording("openai_responses_reasoning_tools").data])
    out = b""
    for part in parts:
        if part.kind is K.MESSAGE_STOP:
            out += decoder.render_end("tool_use")  # the upstream's output lists the call
        elif part.index == 1:  # get_weather: held whole, then replaced
            if part.kind is K.BLOCK_STOP:
                out += decoder.render_block(Text("get_weather is blocked by policy."))
        else:
            out += decoder.forward(part)

    assert_numbered_for_the_client(out)
    response = final_response(out)
    assert [item.type for item in response.output] == [
        "reasoning",
        "web_search_call",
        "message",
        "function_call",
    ]
    assert response.output_text == "get_weather is blocked by policy."
    assert response.status == "completed"
    assert response.usage is not None
    assert response.usage.input_tokens == 4210


def test_inserting_a_block_first_shifts_every_upstream_number() -> None:
    parts, decoder = decode(R, [recording("openai_responses_text").data])
    out = b"".join(decoder.forward(p) for p in parts[:2])
    out += decoder.render_block(Text("Note: answers are logged. "))
    out += b"".join(decoder.forward(p) for p in parts[2:-1]) + decoder.render_end("end_turn")

    assert_numbered_for_the_client(out)
    assert final_response(out).output_text == "Note: answers are logged. Hello, wörld! 🌍"


def _swapped_numbers(data: bytes, first: int, second: int) -> bytes:
    """``data`` with the sequence numbers of two events swapped (out of order, as a faulty
    upstream may send them)."""
    raw = [event.raw for event in SSEParser().feed(data)]
    for at, number in ((first, second), (second, first)):
        raw[at] = re.sub(rb'"sequence_number":\d+', b'"sequence_number":%d' % number, raw[at])
    return b"".join(raw)


def test_upstream_numbers_pass_as_they_came_until_the_gateway_writes_an_event() -> None:
    swapped = _swapped_numbers(recording("openai_responses_text").data, 3, 4)
    parts, decoder = decode(R, [swapped])
    before = [decoder.forward(p) for p in parts[:-1]]
    assert b"".join(before) == b"".join(p.event.raw for p in parts[:-1] if p.event)  # as noop

    parts, decoder = decode(R, [swapped])
    out = b"".join(decoder.forward(p) for p in parts[:2])
    out += decoder.render_block(Text("Note: answers are logged. "))
    out += b"".join(decoder.forward(p) for p in parts[2:-1]) + decoder.render_end("end_turn")
    assert_numbered_for_the_client(out)  # once it wrote one, each event gets the next number


def test_text_passed_unread_keeps_numbers_out_of_order_as_forward_does() -> None:
    """A chain that reads no text skims its deltas (``unread``): numbered out of order,
    they pass there too, as :meth:`forward` would send them."""
    events = SSEParser().feed(_swapped_numbers(recording("openai_responses_text").data, 6, 7))
    deltas = b"".join(event.raw for event in events[4:8])  # the last two out of order

    def sent(skimmed: bool) -> bytes:
        """What the client gets, the deltas skimmed or forwarded, the gateway then ending
        the stream itself (its event numbered after the highest)."""
        decoder = _openai_responses_stream.ResponsesStream(read_text=False)
        forwarded = events[:4] if skimmed else events[:8]
        out = b"".join(decoder.forward(p) for event in forwarded for p in decoder.feed(event))
        if skimmed:
            assert decoder.unread(deltas) == len(deltas)  # all of them pass unread
            out += deltas
        return out + decoder.render_end("end_turn")

    assert sent(skimmed=True) == sent(skimmed=False)
    assert deltas in sent(skimmed=True)  # as they came


def test_render_end_mid_item_finishes_it_as_far_as_the_client_got() -> None:
    parts, decoder = decode(R, [recording("openai_responses_text").data])
    out = b"".join(decoder.forward(p) for p in parts[:6]) + decoder.render_end("end_turn")

    response = final_response(out)
    assert response.output_text == "Hello, "  # not what the upstream sent after the cut
    assert response.output[0].status == "incomplete"  # type: ignore[union-attr]
    assert response.status == "completed"
    assert decoder.render_close() == b""


def test_render_end_for_max_tokens_is_response_incomplete() -> None:
    parts, decoder = decode(R, [recording("openai_responses_text").data])
    out = b"".join(decoder.forward(p) for p in parts[:-1]) + decoder.render_end("max_tokens")

    with openai_client(out).responses.stream(model="gpt-5", input="hi") as events:
        last = list(events)[-1]
    assert isinstance(last, ResponseIncompleteEvent)
    assert last.response.incomplete_details is not None
    assert (last.response.status, last.response.incomplete_details.reason) == (
        "incomplete",
        "max_output_tokens",
    )


def test_render_error_reaches_the_sdk_as_an_error_event() -> None:
    parts, decoder = decode(R, [recording("openai_responses_text").data])
    out = b"".join(decoder.forward(p) for p in parts[:5]) + decoder.render_error(
        400, "Blocked by policy"
    )

    with openai_client(out).responses.stream(model="gpt-5", input="hi") as events:
        errors = [event for event in events if isinstance(event, ResponseErrorEvent)]
    assert [(e.code, e.message, e.sequence_number) for e in errors] == [
        ("invalid_request_error", "Blocked by policy", 5)
    ]


def test_a_part_of_an_item_never_announced_is_an_error() -> None:
    stream = (
        b'event: response.output_text.delta\ndata: {"type":"response.output_text.delta",'
        b'"sequence_number":3,"item_id":"msg_x","output_index":4,"content_index":0,"delta":"x"}\n\n'
    )
    parts, _ = decode(R, [stream])
    assert parts == [StreamPart(K.ERROR, parts[0].event)]


def test_a_piece_of_an_item_that_already_ended_is_an_error() -> None:
    data = recording("openai_responses_reasoning_tools").data
    late = (
        b'event: response.function_call_arguments.delta\ndata: {"type":'
        b'"response.function_call_arguments.delta","sequence_number":99,"item_id":"fc_x",'
        b'"output_index":2,"delta":"rm -rf /"}\n\n'
    )
    parts, decoder = decode(R, [data, late])
    assert parts[-1].kind is K.ERROR
    assert decoder.finish().blocks == recording("openai_responses_reasoning_tools").expected.blocks


class _Writer:
    """Events as OpenAI writes them (compact JSON, fields in their order), numbered."""

    def __init__(self, ascii_only: bool) -> None:
        self.ascii_only, self.number, self.out = ascii_only, 0, b""

    def event(self, kind: str, **fields: object) -> None:
        body = {"type": kind, "sequence_number": self.number, **fields}
        data = json.dumps(body, separators=(",", ":"), ensure_ascii=self.ascii_only)
        self.out += f"event: {kind}\ndata: {data}\n\n".encode(errors="surrogatepass")
        self.number += 1


_ITEMS = {  # an item of each kind, as it is added
    "text": {"type": "message", "status": "in_progress", "content": [], "role": "assistant"},
    "call": {"type": "function_call", "arguments": "", "call_id": "c", "name": "shell"},
    "reasoning": {"type": "reasoning", "summary": []},
}
_PIECE = st.text(max_size=12) | st.sampled_from(["", '"', "\\", "\n", "\x01", "é", "😀", "\ud800"])


@settings(max_examples=150, deadline=None)
@given(
    items=st.lists(
        st.tuples(st.sampled_from(list(_ITEMS)), st.lists(_PIECE, max_size=5), st.booleans()),
        max_size=4,
    ),
    stray=st.lists(st.tuples(st.integers(0, 5), _PIECE, st.booleans()), max_size=3),
    ascii_only=st.booleans(),
)
def test_an_event_spelt_as_openai_writes_it_reads_as_its_object_would(
    items: list[tuple[str, list[str], bool]],
    stray: list[tuple[int, str, bool]],
    ascii_only: bool,
) -> None:
    """The events of an item (its pieces, the events that repeat its text or arguments,
    its parts' starts and ends) are read without building their object: the parts (blocks,
    deltas, errors) are those the object gives, whatever the pieces hold, for items known
    or not, ended or not."""
    write = _Writer(ascii_only)
    for wire, (kind, pieces, ends) in enumerate(items):
        item_id = f"{kind}_{wire}"
        item = {"id": item_id, **_ITEMS[kind]}
        write.event("response.output_item.added", output_index=wire, item=item)
        ids = {"item_id": item_id, "output_index": wire}
        whole = "".join(pieces)
        if kind == "text":
            part = {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
            write.event("response.content_part.added", **ids, content_index=0, part=part)
            for piece in pieces:
                delta = {"delta": piece, "logprobs": []}
                write.event("response.output_text.delta", **ids, content_index=0, **delta)
            write.event("response.output_text.done", **ids, content_index=0, text=whole)
            part = {**part, "text": whole}
            write.event("response.content_part.done", **ids, content_index=0, part=part)
        elif kind == "call":
            for piece in pieces:
                write.event("response.function_call_arguments.delta", **ids, delta=piece)
            write.event("response.function_call_arguments.done", **ids, arguments=whole)
        else:
            part = {"type": "summary_text", "text": ""}
            write.event("response.reasoning_summary_part.added", **ids, summary_index=0, part=part)
            for piece in pieces:
                write.event(
                    "response.reasoning_summary_text.delta", **ids, summary_index=0, delta=piece
                )
            write.event("response.reasoning_summary_text.done", **ids, summary_index=0, text=whole)
        if ends:
            item = {**item, "status": "completed"}
            write.event("response.output_item.done", output_index=wire, item=item)
    for wire, piece, misspelt in stray:  # pieces of items unknown or ended, or with no delta
        ids = {"item_id": f"x_{wire}", "output_index": wire, "content_index": 0}
        fields = {"text": piece} if misspelt else {"delta": piece, "logprobs": []}
        write.event("response.output_text.delta", **ids, **fields)
    read, _ = decode(R, [write.out])
    with patch.object(_openai_responses_stream, "_SPELT", re.compile("(?!)")):  # no match
        built, _ = decode(R, [write.out])
    assert read == built


def test_the_events_openai_writes_are_read_without_building_their_object() -> None:
    """Most events of OpenAI's own streams (a recording: text) take the spelt way."""
    data = recording("openai_responses_text").data
    with patch.object(_openai_responses_stream, "load_object", wraps=load_object) as parsed:
        decode(R, [data])
    assert parsed.call_count < data.count(b"data: ") / 2
