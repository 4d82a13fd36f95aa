"""Chat Completions answers read as Anthropic Messages answers: streams split anywhere,
whole bodies, errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sluice.model import Text, Thinking, ToolCall, Usage
from sluice.sidecar.formats import anthropic
from sluice.sidecar.sse import SSEParser
from sluice.sidecar.translate._response_chat_to_anthropic import (
    ChatToAnthropicStream,
    anthropic_body,
    anthropic_error,
)
from tests.sidecar.translate.streams import CHAT_BLOCKS, CHAT_STREAM, CHAT_USAGE, HEAD, call, chunk


def read(stream: bytes) -> tuple[anthropic.AnthropicStream, list[str]]:
    """The Anthropic stream read with the gateway's own Anthropic adapter."""
    decoder = anthropic.stream_decoder()
    names = []
    parser = SSEParser()
    for event in [*parser.feed(stream), *parser.close()]:
        names.append(event.event or "")
        decoder.feed(event)
    return decoder, names


def translate(pieces: list[bytes]) -> bytes:
    stream = ChatToAnthropicStream()
    return b"".join(stream.feed(p) for p in pieces) + stream.close()


def test_a_stream_becomes_anthropic_events_thinking_text_and_parallel_calls() -> None:
    decoder, names = read(translate([CHAT_STREAM]))
    response = decoder.finish()
    assert response.blocks == CHAT_BLOCKS
    assert response.id == "chatcmpl-1"
    assert response.stop_reason == "tool_use"
    assert response.usage == Usage(40, 20, 60, None, 7)
    assert names[0] == "message_start"
    assert names[-2:] == ["message_delta", "message_stop"]
    assert "error" not in names


def test_every_split_point_gives_the_same_events() -> None:
    whole = translate([CHAT_STREAM])
    for cut in range(1, len(CHAT_STREAM)):
        assert translate([CHAT_STREAM[:cut], CHAT_STREAM[cut:]]) == whole, cut


@pytest.mark.parametrize(
    ("finish", "stop"),
    [
        ("stop", "end_turn"),
        ("length", "max_tokens"),
        ("tool_calls", "tool_use"),
        ("content_filter", "refusal"),
    ],
)
def test_finish_reasons_become_stop_reasons(finish: str, stop: str) -> None:
    stream = chunk({"content": "x"}) + chunk({}, finish) + b"data: [DONE]\n\n"
    decoder, _ = read(translate([stream]))
    assert decoder.finish().stop_reason == stop


def test_a_stream_without_done_still_ends_after_its_finish_reason() -> None:
    decoder, names = read(translate([chunk({"content": "x"}) + chunk({}, "stop")]))
    assert names[-1] == "message_stop"
    assert decoder.finish().blocks == [Text("x")]


@pytest.mark.parametrize(
    "tail",
    [
        b'data: {"error": {"message": "overloaded", "type": "server_error"}}\n\n',
        b"data: {not json\n\n",
    ],
)
def test_a_stream_failing_midway_ends_in_an_anthropic_error_event(tail: bytes) -> None:
    out = translate([chunk({"content": "x"}) + tail + chunk({"content": "never"})])
    _, names = read(out)
    assert names[-1] == "error"
    assert b"never" not in out


def test_a_stream_cut_short_ends_in_an_anthropic_error_event() -> None:
    _, names = read(translate([chunk({"content": "x"})]))
    assert names[-3:] == ["content_block_start", "content_block_delta", "error"]


def test_a_whole_body_keeps_thinking_first() -> None:
    body = {
        "id": "chatcmpl-2",
        "object": "chat.completion",
        "model": "qwen",
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls",
                "message": {
                    "role": "assistant",
                    "content": "Calling.",
                    "reasoning_content": "Think.",
                    "tool_calls": [
                        {
                            "id": "c1",
                            "type": "function",
                            "function": {"name": "Bash", "arguments": '{"command": "ls"}'},
                        }
                    ],
                },
            }
        ],
        "usage": CHAT_USAGE,
    }
    response = anthropic.parse_response(anthropic_body(json.dumps(body).encode()))
    assert response.blocks == [
        Thinking("Think.", ""),
        Text("Calling."),
        ToolCall("c1", "Bash", '{"command":"ls"}'),  # as the adapter writes input
    ]
    assert response.stop_reason == "tool_use"
    assert response.id == "chatcmpl-2"
    assert response.usage == Usage(40, 20, 60, None, 7)


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, "invalid_request_error"),
        (401, "authentication_error"),
        (429, "rate_limit_error"),
        (500, "api_error"),
        (503, "overloaded_error"),
    ],
)
def test_an_error_body_becomes_anthropic_s(status: int, kind: str) -> None:
    body = json.dumps({"error": {"message": "nope", "type": "x", "code": None}}).encode()
    assert json.loads(anthropic_error(status, body)) == {
        "type": "error",
        "error": {"type": kind, "message": "nope"},
    }


def test_an_error_body_that_is_not_json_keeps_its_text() -> None:
    error = json.loads(anthropic_error(502, b"Bad Gateway"))
    assert error["error"] == {"type": "api_error", "message": "Bad Gateway"}


def spaced(delta: dict[str, Any], **dumps: Any) -> bytes:
    """A chunk as some servers write it: ``json.dumps`` with its own options."""
    choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": None}
    return f"data: {json.dumps(HEAD | {'choices': [choice]}, **dumps)}\n\n".encode()


TRICKY = ['say "hi"\n', "\\ back", "é ü", "\u2028 and \U0001f600", "</script>", "\t", "x" * 300]


@pytest.mark.parametrize(
    "dumps",
    [{}, {"separators": (",", ":")}, {"ensure_ascii": False}, {"indent": None}],
    ids=["spaced", "compact", "utf8", "default"],
)
def test_pieces_keep_every_character_however_the_server_writes_json(
    dumps: dict[str, Any],
) -> None:
    # Chunks of one shape after the first are copied, not parsed: escapes must survive.
    stream = spaced({"role": "assistant", "content": ""}, **dumps)
    stream += b"".join(spaced({"reasoning_content": t}, **dumps) for t in TRICKY)
    stream += b"".join(spaced({"content": t}, **dumps) for t in TRICKY)
    stream += spaced(call(0, "call_a", "Write", ""), **dumps)
    pieces = [json.dumps({"content": t})[i : i + 5] for t in TRICKY for i in range(0, 20, 5)]
    stream += b"".join(spaced(call(0, args=p), **dumps) for p in pieces)
    stream += chunk({}, "tool_calls") + b"data: [DONE]\n\n"
    decoder, names = read(translate([stream]))
    assert decoder.finish().blocks == [
        Thinking("".join(TRICKY)),
        Text("".join(TRICKY)),
        ToolCall("call_a", "Write", "".join(pieces)),
    ]
    assert "error" not in names


def test_a_chunk_that_says_more_than_its_piece_is_read_whole() -> None:
    stream = chunk({"content": "one "}) + chunk({"content": "two "})
    stream += chunk(
        {"content": "three"}, "stop", usage={"prompt_tokens": 3, "completion_tokens": 9}
    )
    decoder, names = read(translate([stream + b"data: [DONE]\n\n"]))
    response = decoder.finish()
    assert response.blocks == [Text("one two three")]
    assert response.stop_reason == "end_turn"
    assert response.usage.output_tokens == 9
    assert names.count("content_block_stop") == 1


def test_text_tools_and_text_again_each_get_their_own_block() -> None:
    stream = chunk({"content": "a"}) + chunk({"content": "b"})
    stream += chunk(call(0, "call_a", "Bash", '{"command"')) + chunk(call(0, args=': "ls"}'))
    stream += chunk({"content": "c"}) + chunk({"content": "d"})
    stream += chunk(call(1, "call_b", "Bash", "{")) + chunk(call(1, args="}"))
    stream += chunk({}, "tool_calls") + b"data: [DONE]\n\n"
    out = translate([stream])
    decoder, _ = read(out)
    assert decoder.finish().blocks == [
        Text("ab"),
        ToolCall("call_a", "Bash", '{"command": "ls"}'),
        Text("cd"),
        ToolCall("call_b", "Bash", "{}"),
    ]
    parser = SSEParser()
    indices = [json.loads(e.data or "{}").get("index") for e in parser.feed(out)]
    assert [i for i in indices if i is not None] == sorted(i for i in indices if i is not None)


@pytest.mark.parametrize(
    "string",
    [r"bad \x escape", "a raw\ttab", "ends in \\"],
    ids=["escape", "control", "unclosed"],
)
def test_a_broken_string_in_a_known_shape_is_not_passed_on(string: str) -> None:
    good = chunk({"content": "fine "}) + chunk({"content": "still fine "})
    broken = chunk({"content": "PLACEHOLDER"}).replace(b"PLACEHOLDER", string.encode())
    out = translate([good + broken + chunk({}, "stop") + b"data: [DONE]\n\n"])
    _, names = read(out)
    assert names[-1] == "error"
    assert string.encode() not in out


def test_a_value_that_spells_a_member_name_changes_nothing() -> None:
    head = HEAD | {"model": "content", "id": '"content": "x"'}
    choices = [[{"index": 0, "delta": {"content": t}}] for t in "abc"]
    stream = b"".join(f"data: {json.dumps(head | {'choices': c})}\n\n".encode() for c in choices)
    decoder, _ = read(translate([stream + chunk({}, "stop") + b"data: [DONE]\n\n"]))
    assert decoder.finish().blocks == [Text("abc")]


def padded(stream: bytes, paddings: list[str]) -> bytes:
    """``stream`` with each JSON chunk ending in OpenAI's ``obfuscation`` member, written
    as OpenAI writes it (compact)."""
    lines = stream.split(b"\n\n")
    for i, line in enumerate(lines):
        if line.startswith(b"data: {"):
            padding = {"obfuscation": paddings[i % len(paddings)]}
            member = json.dumps(padding, separators=(",", ":"))[1:]
            lines[i] = line[:-1] + b"," + member.encode()
    return b"\n\n".join(lines)


PADDINGS = ["k", "Qz9kWm", "a1b", "x" * 16, 'es"caped\\', "7yT"]


def test_openai_s_obfuscation_padding_changes_nothing_and_is_not_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = [chunk({"content": f"piece {i} "}) for i in range(20)]
    arguments = [chunk(call(0, args=f'"{i}",')) for i in range(20)]
    plain = b"".join(
        [*text, chunk(call(0, "call_a", "Bash", "[")), *arguments, chunk({}, "tool_calls")]
    )
    plain += b"data: [DONE]\n\n"
    stream = padded(plain, PADDINGS)
    assert stream.count(b'"obfuscation"') == plain.count(b"data: {")
    parsed = []
    loads = json.loads
    monkeypatch.setattr(json, "loads", lambda s, **kw: parsed.append(s) or loads(s, **kw))
    out = translate([stream])
    monkeypatch.undo()
    assert out == translate([plain])  # the padding is dropped, as Anthropic sends none
    assert len(parsed) <= 6  # the first of each block's pieces, the others not parsed
    for cut in range(1, len(stream), 97):
        assert translate([stream[:cut], stream[cut:]]) == out, cut


@pytest.mark.parametrize(
    "tail",
    [b',"obfuscation":"ab"x"}', b',"obfuscation":"ab","more":1}', b',"obfuscation":7}'],
    ids=["broken", "not-last", "not-a-string"],
)
def test_padding_that_is_not_one_plain_string_is_read_whole(tail: bytes) -> None:
    good = padded(chunk({"content": "fine "}) + chunk({"content": "still fine "}), PADDINGS)
    odd = chunk({"content": "odd"})[:-3] + tail + b"\n\n"
    out = translate([good + odd + chunk({}, "stop") + b"data: [DONE]\n\n"])
    decoder, names = read(out)
    if tail.endswith(b'x"}'):  # not JSON: the stream ends in Anthropic's error
        assert names[-1] == "error"
        assert b"odd" not in out
    else:
        assert decoder.finish().blocks == [Text("fine still fine odd")]
