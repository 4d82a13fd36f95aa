"""Anthropic Messages answers read as OpenAI Responses answers: streams split anywhere,
whole bodies, errors; and Chat Completions answers through the same path."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sluice.model import Text, Thinking, ToolCall, Usage
from sluice.sidecar.formats import openai_responses
from sluice.sidecar.sse import SSEParser, encode_event
from sluice.sidecar.translate._response_anthropic_to_responses import AnthropicToResponsesStream
from sluice.sidecar.translate._response_chat_to_responses import (
    ChatToResponsesStream,
    chat_responses_body,
)
from sluice.sidecar.translate._responses_output import (
    ResponseShape,
    echo_of,
    responses_body,
    responses_error,
)
from tests.sidecar.translate.streams import (
    ANTHROPIC_STREAM,
    CHAT_BLOCKS,
    CHAT_STREAM,
    block,
    call,
    chunk,
    event,
)

BLOCKS = [
    Thinking("Hmm."),
    Text("Two calls."),
    ToolCall("t1", "Bash", '{"command": "ls"}'),
    ToolCall("t2", "Read", "{}"),
]


def read(stream: bytes) -> tuple[openai_responses.ResponsesStream, list[dict[str, Any]]]:
    """The Responses stream read with the gateway's own Responses adapter, and its events."""
    decoder = openai_responses.stream_decoder()
    events = []
    parser = SSEParser()
    for sse in [*parser.feed(stream), *parser.close()]:
        assert sse.data is not None
        obj = json.loads(sse.data)
        assert sse.event == obj["type"]
        events.append(obj)
        decoder.feed(sse)
    return decoder, events


def translate(pieces: list[bytes], shape: ResponseShape | None = None) -> bytes:
    stream = AnthropicToResponsesStream(shape, created=1)
    return b"".join(stream.feed(p) for p in pieces) + stream.close()


def test_a_stream_becomes_responses_events_reasoning_text_and_parallel_calls() -> None:
    decoder, events = read(translate([ANTHROPIC_STREAM]))
    response = decoder.finish()
    assert response.blocks == BLOCKS
    assert response.id == "msg_1"
    assert response.stop_reason == "tool_use"
    assert response.usage == Usage(100, 20, 60, 0, 0)
    names = [e["type"] for e in events]
    assert names[:3] == ["response.created", "response.in_progress", "response.output_item.added"]
    assert names[-1] == "response.completed"
    assert [e["sequence_number"] for e in events] == list(range(len(events)))
    final = events[-1]["response"]
    assert [item["type"] for item in final["output"]] == [
        "reasoning",
        "message",
        "function_call",
        "function_call",
    ]
    added = [e["item"]["id"] for e in events if e["type"] == "response.output_item.added"]
    done = [e for e in events if e["type"] == "response.output_item.done"]
    assert [e["item"]["id"] for e in done] == added == [i["id"] for i in final["output"]]
    assert [e["output_index"] for e in done] == [0, 1, 2, 3]
    assert "encrypted_content" not in final["output"][0]  # not asked for
    assert final["usage"]["input_tokens_details"]["cached_tokens"] == 60


def test_every_split_point_gives_the_same_events() -> None:
    whole = translate([ANTHROPIC_STREAM])
    for cut in range(1, len(ANTHROPIC_STREAM)):
        assert translate([ANTHROPIC_STREAM[:cut], ANTHROPIC_STREAM[cut:]]) == whole, cut


def test_the_signature_is_carried_when_the_client_asks_for_encrypted_reasoning() -> None:
    decoder, events = read(translate([ANTHROPIC_STREAM], ResponseShape(signatures=True)))
    assert decoder.finish().blocks[0] == Thinking("Hmm.", "anthropic-signature:sig")
    assert events[-1]["response"]["output"][0]["encrypted_content"] == "anthropic-signature:sig"


def test_the_response_object_repeats_the_request() -> None:
    shape = ResponseShape(echo_of({"instructions": "Be brief.", "temperature": 0}))
    _, events = read(translate([ANTHROPIC_STREAM], shape))
    response = events[0]["response"]
    assert (response["instructions"], response["temperature"]) == ("Be brief.", 0)
    assert response["tool_choice"] == "auto"


@pytest.mark.parametrize(
    ("stop", "status", "reason", "neutral"),
    [
        ("end_turn", "completed", None, "end_turn"),
        ("max_tokens", "incomplete", "max_output_tokens", "max_tokens"),
        ("model_context_window_exceeded", "incomplete", "max_output_tokens", "max_tokens"),
        ("refusal", "incomplete", "content_filter", "refusal"),
    ],
)
def test_stop_reasons_become_status(
    stop: str, status: str, reason: str | None, neutral: str
) -> None:
    stream = (
        event(START)
        + block(0, {"type": "text", "text": ""}, {"type": "text_delta", "text": "x"})
        + event({"type": "message_delta", "delta": {"stop_reason": stop}, "usage": {}})
        + event({"type": "message_stop"})
    )
    decoder, events = read(translate([stream]))
    assert events[-1]["type"] == f"response.{status}"
    details = events[-1]["response"]["incomplete_details"]
    assert (details or {}).get("reason") == reason
    assert decoder.finish().stop_reason == neutral


START = {"type": "message_start", "message": {"id": "msg_2", "model": "claude", "usage": {}}}


@pytest.mark.parametrize(
    ("tail", "code"),
    [
        (
            event({"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}),
            "server_error",
        ),
        (
            event({"type": "error", "error": {"type": "rate_limit_error", "message": "slow"}}),
            "rate_limit_exceeded",
        ),
        (b"event: content_block_delta\ndata: {not json\n\n", "server_error"),
        (b"", "server_error"),  # the stream ends early
    ],
)
def test_a_stream_failing_midway_ends_in_the_error_and_response_failed(
    tail: bytes, code: str
) -> None:
    head = event(START) + block(
        0, {"type": "text", "text": ""}, {"type": "text_delta", "text": "x"}
    )
    never = block(1, {"type": "text", "text": ""}, {"type": "text_delta", "text": "never"})
    out = translate([head + tail + (never if tail else b"")])
    _, events = read(out)
    assert [e["type"] for e in events[-2:]] == ["error", "response.failed"]
    assert events[-2]["code"] == code
    failed = events[-1]["response"]
    assert failed["status"] == "failed"
    assert failed["error"]["code"] == code
    assert [item["content"][0]["text"] for item in failed["output"]] == ["x"]
    assert b"never" not in out


def test_a_block_without_an_item_takes_no_output_index() -> None:
    stream = (
        event(START)
        + block(0, {"type": "redacted_thinking", "data": "opaque"})
        + block(1, {"type": "text", "text": ""}, {"type": "text_delta", "text": "x"})
        + event({"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {}})
        + event({"type": "message_stop"})
    )
    decoder, events = read(translate([stream]))
    assert decoder.finish().blocks == [Text("x")]
    assert {e.get("output_index") for e in events} == {None, 0}


def test_a_whole_body_becomes_a_response_with_output_items() -> None:
    message = {
        "id": "msg_3",
        "type": "message",
        "role": "assistant",
        "model": "claude",
        "content": [
            {"type": "thinking", "thinking": "Think.", "signature": "sig"},
            {"type": "text", "text": "Calling."},
            {"type": "tool_use", "id": "t1", "name": "Bash", "input": {"command": "ls"}},
        ],
        "stop_reason": "tool_use",
        "usage": {"input_tokens": 10, "cache_creation_input_tokens": 5, "output_tokens": 3},
    }
    body = responses_body(json.dumps(message).encode(), ResponseShape(signatures=True))
    response = openai_responses.parse_response(body)
    assert response.blocks == [
        Thinking("Think.", "anthropic-signature:sig"),
        Text("Calling."),
        ToolCall("t1", "Bash", '{"command": "ls"}'),
    ]
    assert response.stop_reason == "tool_use"
    assert response.usage == Usage(15, 3, 0, 5, 0)
    assert json.loads(body)["status"] == "completed"


def test_a_chat_stream_reads_the_same_through_anthropic() -> None:
    def chat(pieces: list[bytes]) -> bytes:
        stream = ChatToResponsesStream(created=1)
        return b"".join(stream.feed(p) for p in pieces) + stream.close()

    whole = chat([CHAT_STREAM])
    decoder, events = read(whole)
    response = decoder.finish()
    assert response.blocks == CHAT_BLOCKS
    assert response.stop_reason == "tool_use"
    assert response.usage == Usage(100, 20, 60, 0, 7)
    assert [e["sequence_number"] for e in events] == list(range(len(events)))
    for cut in range(1, len(CHAT_STREAM), 7):
        assert chat([CHAT_STREAM[:cut], CHAT_STREAM[cut:]]) == whole, cut


def test_a_chat_stream_failing_midway_ends_in_response_failed() -> None:
    error = b'data: {"error": {"message": "overloaded", "type": "server_error"}}\n\n'
    stream = ChatToResponsesStream()
    _, events = read(stream.feed(chunk({"content": "x"}) + error) + stream.close())
    assert [e["type"] for e in events[-2:]] == ["error", "response.failed"]


def test_a_whole_chat_body_becomes_a_response() -> None:
    completion = {
        "id": "chatcmpl-9",
        "model": "qwen",
        "choices": [
            {"index": 0, "finish_reason": "length", "message": {"content": "Cut"}},
        ],
        "usage": {"prompt_tokens": 9, "completion_tokens": 4},
    }
    body = json.loads(chat_responses_body(json.dumps(completion).encode(), ResponseShape()))
    assert body["status"] == "incomplete"
    assert body["incomplete_details"] == {"reason": "max_output_tokens"}
    assert body["output"][0]["content"][0]["text"] == "Cut"
    assert body["usage"]["input_tokens"] == 9


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, "invalid_request_error"),
        (401, "authentication_error"),
        (429, "rate_limit_error"),
        (529, "server_error"),
    ],
)
def test_an_anthropic_error_body_becomes_openai_s(status: int, kind: str) -> None:
    body = json.dumps({"type": "error", "error": {"type": "x", "message": "nope"}}).encode()
    error = json.loads(responses_error(status, body))["error"]
    assert (error["type"], error["message"]) == (kind, "nope")


PATCH = '*** Begin Patch\n*** Add File: a.txt\n+say "hi" \\ 😀\n*** End Patch'
CUSTOM_JSON = json.dumps({"input": PATCH})
CUSTOM_STREAM = (
    event(START)
    + block(
        0,
        {"type": "tool_use", "id": "t9", "name": "apply_patch", "input": {}},
        *[
            {"type": "input_json_delta", "partial_json": CUSTOM_JSON[i : i + 9]}
            for i in range(0, len(CUSTOM_JSON), 9)  # escapes cut between fragments
        ],
    )
    + event({"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {}})
    + event({"type": "message_stop"})
)
CUSTOM_SHAPE = ResponseShape(custom=frozenset({"apply_patch"}))


def test_a_custom_tool_call_streams_its_input_as_text() -> None:
    decoder, events = read(translate([CUSTOM_STREAM], CUSTOM_SHAPE))
    assert decoder.finish().blocks == [ToolCall("t9", "apply_patch", PATCH)]
    deltas = [e["delta"] for e in events if e["type"] == "response.custom_tool_call_input.delta"]
    assert len(deltas) > 1
    assert "".join(deltas) == PATCH
    [done] = [e for e in events if e["type"] == "response.custom_tool_call_input.done"]
    assert done["input"] == PATCH
    item = events[-1]["response"]["output"][0]
    assert item["type"] == "custom_tool_call"
    assert (item["call_id"], item["name"], item["input"]) == ("t9", "apply_patch", PATCH)
    assert item["id"].startswith("ctc_")
    assert not any(e["type"].startswith("response.function_call") for e in events)


def test_without_the_custom_tool_declared_the_call_is_a_function_call() -> None:
    _, events = read(translate([CUSTOM_STREAM]))
    item = events[-1]["response"]["output"][0]
    assert (item["type"], item["arguments"]) == ("function_call", CUSTOM_JSON)


def test_a_whole_body_s_custom_call_is_a_custom_tool_call_item() -> None:
    message = {
        "id": "msg_4",
        "model": "claude",
        "content": [
            {"type": "tool_use", "id": "t9", "name": "apply_patch", "input": {"input": PATCH}}
        ],
        "stop_reason": "tool_use",
        "usage": {},
    }
    body = responses_body(json.dumps(message).encode(), CUSTOM_SHAPE)
    [item] = json.loads(body)["output"]
    assert item["type"] == "custom_tool_call"
    assert item["input"] == PATCH
    assert openai_responses.parse_response(body).blocks == [ToolCall("t9", "apply_patch", PATCH)]


def test_a_chat_stream_s_custom_call_reads_the_same_through_anthropic() -> None:
    stream = (
        chunk({"role": "assistant"} | call(0, "c1", "apply_patch", CUSTOM_JSON[:20]))
        + chunk(call(0, args=CUSTOM_JSON[20:]))
        + chunk({}, "tool_calls")
        + b"data: [DONE]\n\n"
    )
    translator = ChatToResponsesStream(CUSTOM_SHAPE, created=1)
    decoder, events = read(translator.feed(stream) + translator.close())
    assert decoder.finish().blocks == [ToolCall("c1", "apply_patch", PATCH)]
    assert events[-1]["response"]["output"][0]["type"] == "custom_tool_call"


PIECES = ['Say "hi"', " \\ back", " é😀", "\u2028 line", "</script>", "x" * 300, "{}", "a"]


@pytest.mark.parametrize("ascii_only", [True, False], ids=["escaped", "raw"])
def test_pieces_written_without_parsing_say_what_the_upstream_said(ascii_only: bool) -> None:
    """Deltas after the first of a block are copied into their events, escapes and all,
    without being parsed: the client reads the same text, thinking and arguments."""

    def delta(index: int, kind: str, member: str, value: str) -> bytes:
        body = {"type": kind, member: value}
        obj = {"type": "content_block_delta", "index": index, "delta": body}
        return encode_event(json.dumps(obj, ensure_ascii=ascii_only), obj["type"])

    stream = event(START)
    for index, (kind, member, start) in enumerate(
        [
            ("thinking_delta", "thinking", {"type": "thinking", "thinking": ""}),
            ("text_delta", "text", {"type": "text", "text": ""}),
            ("input_json_delta", "partial_json", {"type": "tool_use", "id": "t", "name": "W"}),
        ]
    ):
        opened = {"type": "content_block_start", "index": index, "content_block": start}
        stream += event(opened)
        stream += b"".join(delta(index, kind, member, piece) for piece in PIECES)
        stream += event({"type": "content_block_stop", "index": index})
    stream += event({"type": "message_stop"})
    _, events = read(translate([stream]))
    for kind in ("reasoning_summary_text", "output_text", "function_call_arguments"):
        written = [e for e in events if e["type"] == f"response.{kind}.delta"]
        assert [e["delta"] for e in written] == PIECES, kind
        # the copied events carry the same members, in order, as the first one, built whole
        assert len({tuple(e) for e in written}) == 1, kind
        assert len({(e["item_id"], e["output_index"]) for e in written}) == 1, kind
    numbers = [e["sequence_number"] for e in events]
    assert numbers == list(range(len(events)))
    [done] = [e for e in events if e["type"] == "response.output_text.done"]
    assert done["text"] == "".join(PIECES)
