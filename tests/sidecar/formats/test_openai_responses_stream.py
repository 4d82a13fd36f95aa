"""The Responses stream: items as blocks, sequence numbers, and writing the client's side."""

from __future__ import annotations

import json
from typing import Any

import pytest
from openai.types.responses import Response as SDKResponse
from openai.types.responses import ResponseErrorEvent, ResponseIncompleteEvent, ResponseStreamEvent
from pydantic import TypeAdapter

from sluice.model import Block, Text, Thinking, ToolCall, ToolResult
from sluice.sidecar.formats import PartKind, StreamPart
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
