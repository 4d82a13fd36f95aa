"""Anthropic Messages answers read as Chat Completions answers: streams split anywhere,
whole bodies, errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sluice.model import Text, ToolCall, Usage
from sluice.sidecar.formats import openai_chat
from sluice.sidecar.sse import SSEParser, encode_event
from sluice.sidecar.translate._response_anthropic_to_chat import (
    AnthropicToChatStream,
    chat_body,
    chat_error,
)
from tests.sidecar.translate.streams import ANTHROPIC_STREAM, START, block, event


def translate(pieces: list[bytes], include_usage: bool = True) -> bytes:
    stream = AnthropicToChatStream(include_usage, created=1)
    return b"".join(stream.feed(p) for p in pieces) + stream.close()


def read(stream: bytes) -> Any:
    decoder = openai_chat.stream_decoder()
    parser = SSEParser()
    for ev in [*parser.feed(stream), *parser.close()]:
        decoder.feed(ev)
    return decoder.finish()


def test_a_stream_becomes_chat_chunks_text_and_parallel_calls() -> None:
    out = translate([ANTHROPIC_STREAM])
    response = read(out)
    assert response.blocks == [
        Text("Two calls."),
        ToolCall("t1", "Bash", '{"command": "ls"}'),
        ToolCall("t2", "Read", "{}"),
    ]
    assert response.id == "msg_1"
    assert response.stop_reason == "tool_use"
    assert response.usage == Usage(100, 20, 60, None, None)
    assert out.endswith(b"data: [DONE]\n\n")
    assert b'"reasoning_content":"Hmm."' in out
    assert b"sig" not in out  # a signature has no place in Chat


def test_every_split_point_gives_the_same_chunks() -> None:
    whole = translate([ANTHROPIC_STREAM])
    for cut in range(1, len(ANTHROPIC_STREAM)):
        assert translate([ANTHROPIC_STREAM[:cut], ANTHROPIC_STREAM[cut:]]) == whole, cut


def test_no_usage_chunk_unless_asked() -> None:
    assert b'"choices":[]' not in translate([ANTHROPIC_STREAM], include_usage=False)


@pytest.mark.parametrize(
    "tail",
    [
        event({"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}),
        b"event: x\ndata: {not json\n\n",
    ],
)
def test_a_stream_failing_midway_ends_in_the_openai_error_chunk(tail: bytes) -> None:
    head = event(START) + block(
        0, {"type": "text", "text": ""}, {"type": "text_delta", "text": "x"}
    )
    out = translate([head + tail + event({"type": "message_stop"})])
    last = json.loads(out.split(b"data: ")[-1])
    assert last["error"]["type"] == "server_error"
    assert b"[DONE]" not in out


def test_a_stream_cut_short_ends_in_the_openai_error_chunk() -> None:
    out = translate([event(START)])
    assert b'"error"' in out.split(b"\n\n")[-2]


def test_a_whole_body() -> None:
    body = {
        "id": "msg_2",
        "type": "message",
        "model": "claude",
        "content": [
            {"type": "thinking", "thinking": "Think.", "signature": "s"},
            {"type": "text", "text": "Calling."},
            {"type": "tool_use", "id": "t1", "name": "Bash", "input": {"command": "ls"}},
        ],
        "stop_reason": "tool_use",
        "usage": {"input_tokens": 40, "cache_read_input_tokens": 60, "output_tokens": 20},
    }
    out = chat_body(json.dumps(body).encode())
    response = openai_chat.parse_response(out)
    assert response.blocks == [Text("Calling."), ToolCall("t1", "Bash", '{"command":"ls"}')]
    assert response.stop_reason == "tool_use"
    assert response.usage == Usage(100, 20, 60, None, None)
    assert json.loads(out)["choices"][0]["message"]["reasoning_content"] == "Think."


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, "invalid_request_error"),
        (401, "authentication_error"),
        (429, "rate_limit_error"),
        (500, "server_error"),
        (529, "server_error"),
    ],
)
def test_an_error_body_becomes_openai_s(status: int, kind: str) -> None:
    body = json.dumps({"type": "error", "error": {"type": "x", "message": "nope"}}).encode()
    assert json.loads(chat_error(status, body)) == {
        "error": {"message": "nope", "type": kind, "param": None, "code": None}
    }


TRICKY = ['say "hi"\n', "\\ back", "é ü", "\u2028 and \U0001f600", "</script>", "x" * 300]


@pytest.mark.parametrize("ascii_only", [True, False])
def test_pieces_keep_every_character_however_the_upstream_escapes_them(ascii_only: bool) -> None:
    # Deltas of one shape after the first are copied, not parsed: escapes must survive.
    def ev(obj: dict[str, Any]) -> bytes:
        return encode_event(json.dumps(obj, ensure_ascii=ascii_only), obj["type"])

    def deltas(index: int, kind: str, member: str, pieces: list[str]) -> bytes:
        return b"".join(
            ev({"type": "content_block_delta", "index": index, "delta": {"type": kind, member: p}})
            for p in pieces
        )

    arguments = [json.dumps({"content": t})[i : i + 5] for t in TRICKY for i in range(0, 20, 5)]
    tool = {"type": "content_block_start", "index": 2, "content_block": {"type": "tool_use"}}
    stream = ev(START) + deltas(0, "thinking_delta", "thinking", TRICKY)
    stream += deltas(1, "text_delta", "text", TRICKY)
    stream += ev(tool | {"content_block": {"type": "tool_use", "id": "t1", "name": "Write"}})
    stream += deltas(2, "input_json_delta", "partial_json", arguments)
    stream += ev({"type": "message_delta", "delta": {"stop_reason": "tool_use"}})
    out = translate([stream + ev({"type": "message_stop"})])
    chunks = [json.loads(e.data or "") for e in SSEParser().feed(out) if e.data != "[DONE]"]
    thinking = "".join(c["choices"][0]["delta"].get("reasoning_content", "") for c in chunks[:-2])
    assert thinking == "".join(TRICKY)
    assert read(out).blocks == [Text("".join(TRICKY)), ToolCall("t1", "Write", "".join(arguments))]


def test_calls_whose_deltas_look_alike_keep_their_own_numbers() -> None:
    # Two calls, their deltas the same JSON but for the block index.
    calls = [
        block(
            i,
            {"type": "tool_use", "id": f"t{i}", "name": "Bash", "input": {}},
            {"type": "input_json_delta", "partial_json": "{"},
            {"type": "input_json_delta", "partial_json": f'"n": {i}'},
            {"type": "input_json_delta", "partial_json": "}"},
        )
        for i in range(3)
    ]
    end = event({"type": "message_delta", "delta": {"stop_reason": "tool_use"}})
    out = translate([event(START) + b"".join(calls) + end + event({"type": "message_stop"})])
    assert read(out).blocks == [ToolCall(f"t{i}", "Bash", f'{{"n": {i}}}') for i in range(3)]


@pytest.mark.parametrize("string", [r"bad \x escape", "a raw\ttab", "ends in \\"])
def test_a_broken_string_in_a_known_shape_is_not_passed_on(string: str) -> None:
    text = {"type": "text", "text": ""}
    good = block(0, text, {"type": "text_delta", "text": "a"}, {"type": "text_delta", "text": "b"})
    broken = event(
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "X"}}
    ).replace(b'"X"', f'"{string}"'.encode())
    out = translate([event(START) + good + broken + event({"type": "message_stop"})])
    last = json.loads(out.split(b"data: ")[-1])
    assert last["error"]["type"] == "server_error"
    assert string.encode() not in out
