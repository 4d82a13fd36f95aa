"""The Chat Completions stream: implicit block boundaries, and writing the client's side."""

from __future__ import annotations

import json
import re
from unittest.mock import patch

import openai as sdk
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from sluice.model import Block, Format, Text, Thinking, ToolCall
from sluice.sidecar.formats import PartKind, StreamPart, _openai_chat_stream
from sluice.sidecar.formats._json import load_object
from sluice.sidecar.sse import SSEParser
from tests.sidecar.formats.recorded_streams import RM, WEATHER, C, decode, openai_client, recording

K = PartKind


def final_completion(stream: bytes) -> ChatCompletion:
    """What the official SDK's stream helper makes of ``stream``."""
    client = openai_client(stream)
    with client.chat.completions.stream(
        model="gpt-4.1", messages=[{"role": "user", "content": "hi"}]
    ) as events:
        return events.get_final_completion()


def chunk(delta: dict[str, object], finish: str | None = None, index: int = 0) -> bytes:
    """One chunk of a provider that packs more into a chunk than OpenAI does."""
    choice = {"index": index, "delta": delta, "finish_reason": finish}
    body = {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [choice],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


def call(
    index: int, arguments: str, id_: str | None = None, name: str | None = None
) -> dict[str, object]:
    function = {"arguments": arguments} | ({"name": name} if name else {})
    return {"index": index, "function": function} | ({"id": id_, "type": "function"} if id_ else {})


def shape(parts: list[StreamPart]) -> list[tuple[PartKind, int | None, bool]]:
    """Kind, index, and whether the part carries the wire event."""
    return [(p.kind, p.index, p.event is not None) for p in parts]


def test_blocks_end_where_the_next_begins_or_at_finish_reason() -> None:
    parts, _ = decode(C, [recording("openai_chat_tools").data])
    assert shape(parts) == [
        (K.OTHER, None, True),  # ": keepalive"
        (K.MESSAGE_START, None, False),  # the first chunk starts the message...
        (K.BLOCK_START, 0, True),  # ...and rides on the tool call it opens
        *[(K.BLOCK_DELTA, 0, True)] * 3,
        (K.BLOCK_STOP, 0, False),  # implicit: the next tool call begins
        (K.BLOCK_START, 1, True),
        (K.BLOCK_DELTA, 1, True),
        (K.OTHER, None, True),
        (K.BLOCK_DELTA, 1, True),
        (K.BLOCK_STOP, 1, False),  # implicit: finish_reason arrives
        (K.MESSAGE_DELTA, None, True),  # finish_reason
        (K.MESSAGE_DELTA, None, True),  # usage
        (K.MESSAGE_STOP, None, True),  # [DONE]
    ]
    assert parts[2].block == ToolCall(WEATHER.id, "get_weather", "")
    assert parts[11].block == RM


@pytest.mark.parametrize(
    ("chunks", "expected"),
    [
        (  # role and content in the first chunk
            [chunk({"role": "assistant", "content": "Hi"})],
            [(K.MESSAGE_START, None, False), (K.BLOCK_START, 0, True)],
        ),
        (  # the last piece of text and finish_reason together: the chunk rides on the text
            [chunk({"role": "assistant"}), chunk({"content": "Bye"}, "stop")],
            [
                (K.MESSAGE_START, None, True),
                (K.BLOCK_START, 0, True),
                (K.BLOCK_STOP, 0, False),
                (K.MESSAGE_DELTA, None, False),
            ],
        ),
        (  # two whole tool calls in one chunk: it rides on the last
            [
                chunk(
                    {
                        "role": "assistant",
                        "tool_calls": [call(0, "{}", "a", "f"), call(1, "{}", "b", "g")],
                    }
                )
            ],
            [
                (K.MESSAGE_START, None, False),
                (K.BLOCK_START, 0, False),
                (K.BLOCK_STOP, 0, False),
                (K.BLOCK_START, 1, True),
            ],
        ),
        (  # text, then a tool call, then text again: three blocks
            [
                chunk({"content": "a"}),
                chunk({"tool_calls": [call(0, "{}", "x", "f")]}),
                chunk({"content": "b"}),
            ],
            [
                (K.MESSAGE_START, None, False),
                (K.BLOCK_START, 0, True),
                (K.BLOCK_STOP, 0, False),
                (K.BLOCK_START, 1, True),
                (K.BLOCK_STOP, 1, False),
                (K.BLOCK_START, 2, True),
            ],
        ),
        (  # n=2: only the first choice is read
            [chunk({"role": "assistant"}), chunk({"content": "other"}, index=1)],
            [(K.MESSAGE_START, None, True), (K.OTHER, None, True)],
        ),
        (  # an error object mid-stream, and a chunk that is not JSON
            [chunk({"content": "a"}), b'data: {"error": {"message": "x"}}\n\n', b"data: {oops\n\n"],
            [
                (K.MESSAGE_START, None, False),
                (K.BLOCK_START, 0, True),
                (K.ERROR, None, True),
                (K.ERROR, None, True),
            ],
        ),
    ],
)
def test_parts_of_chunks_that_carry_several_things(
    chunks: list[bytes], expected: list[tuple[PartKind, int | None, bool]]
) -> None:
    parts, _ = decode(C, chunks)
    assert shape(parts) == expected


def test_repeated_id_and_name_pieces_are_joined_as_the_sdk_joins_them() -> None:
    chunks = [
        chunk({"tool_calls": [call(0, '{"a":', "call_", "run")]}),
        chunk({"tool_calls": [call(0, "1}", "9", "_x")]}),
    ]
    _, decoder = decode(C, chunks)
    assert decoder.finish().blocks == [ToolCall("call_9", "run_x", '{"a":1}')]


@pytest.mark.parametrize(
    "block", [Text("Blocked by policy."), ToolCall("call_sluice", "noop", "{}")], ids=repr
)
def test_render_block_is_a_valid_chunk_of_this_stream(block: Block) -> None:
    data = recording("openai_chat_text").data
    first = data.split(b"\n\n")[0] + b"\n\n"
    _, decoder = decode(C, [first])
    decoder.forward(decoder.feed(SSEParser().feed(first)[0])[0])  # the client has its role

    rendered = decoder.render_block(block)

    obj = ChatCompletionChunk.model_validate(json.loads(rendered.removeprefix(b"data: ")))
    assert (obj.id, obj.model, obj.created) == (
        "chatcmpl-CJ7l7wZQmWdnDAbRmxv7aNPZVOwZK",
        "gpt-4.1-2025-04-14",
        1758707201,
    )
    assert obj.system_fingerprint == "fp_3502f4eb73"
    assert obj.choices[0].delta.role is None  # sent once already: a second would be appended
    _, again = decode(C, [first, rendered])
    assert again.finish().blocks == [block]


def test_render_block_refuses_what_chat_cannot_carry() -> None:
    _, decoder = decode(C, [recording("openai_chat_text").data])
    with pytest.raises(ValueError, match="cannot carry a Thinking"):
        decoder.render_block(Thinking("hmm"))


def test_dropping_a_tool_call_renumbers_the_rest_and_keeps_the_role() -> None:
    parts, decoder = decode(C, [recording("openai_chat_tools").data])
    out = b"".join(decoder.forward(p) for p in parts if p.index != 0)  # the role rode on call 0

    completion = final_completion(out)
    message = completion.choices[0].message
    assert message.role == "assistant"
    assert [(c.id, c.function.name, c.function.arguments) for c in message.tool_calls or []] == [  # type: ignore[union-attr]
        (RM.id, RM.name, RM.arguments)
    ]
    assert completion.choices[0].finish_reason == "tool_calls"


def test_blocking_every_tool_call_ends_the_turn_cleanly() -> None:
    parts, decoder = decode(C, [recording("openai_chat_tools").data])
    out = b""
    for part in parts:
        if part.index is None and part.kind in (K.MESSAGE_START, K.OTHER):
            out += decoder.forward(part)
    out += decoder.render_block(
        Text("Both tool calls were blocked by policy.")
    ) + decoder.render_end("end_turn")

    completion = final_completion(out)
    assert completion.choices[0].message.content == "Both tool calls were blocked by policy."
    assert completion.choices[0].message.role == "assistant"
    assert not completion.choices[0].message.tool_calls
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (1187, 203)
    assert out.endswith(b"data: [DONE]\n\n")


def test_render_error_is_raised_by_the_sdk() -> None:
    parts, decoder = decode(C, [recording("openai_chat_text").data])
    out = b"".join(decoder.forward(p) for p in parts[:3]) + decoder.render_error(
        503, "Upstream overloaded"
    )

    with pytest.raises(sdk.APIError, match="Upstream overloaded") as caught:
        final_completion(out)
    assert caught.value.body == {
        "message": "Upstream overloaded",
        "type": "server_error",
        "param": None,
        "code": None,
    }


def test_a_piece_of_a_tool_call_that_already_ended_is_an_error() -> None:
    # A policy saw call 0 whole when call 1 began: more arguments for it must not slip by.
    chunks = [
        chunk({"tool_calls": [call(0, '{"cmd":"ls"}', "a", "shell")]}),
        chunk({"tool_calls": [call(1, "{}", "b", "noop")]}),
        chunk({"tool_calls": [call(0, " && rm -rf /")]}),
    ]
    parts, decoder = decode(C, chunks)
    assert shape(parts)[-1] == (K.ERROR, None, True)
    assert decoder.finish().blocks[0] == ToolCall("a", "shell", '{"cmd":"ls"}')


@pytest.mark.parametrize(
    ("stop_reason", "finish"),
    [
        ("end_turn", "stop"),
        ("tool_use", "tool_calls"),
        ("max_tokens", "length"),
        ("refusal", "content_filter"),
        ("stop_sequence", "stop"),
        ("pause_turn", "stop"),  # no Chat equivalent
    ],
)
def test_render_end_translates_the_stop_reason(stop_reason: str, finish: str) -> None:
    _, decoder = decode(C, [recording("openai_chat_text").data])
    first = decoder.render_end(stop_reason).split(b"\n\n")[0]
    ChatCompletionChunk.model_validate(json.loads(first.removeprefix(b"data: ")))
    assert json.loads(first.removeprefix(b"data: "))["choices"][0]["finish_reason"] == finish


def _spelt_as_openai(
    delta: dict[str, object], usage: bool, padding: str | None, ascii_only: bool = False
) -> bytes:
    """A chunk as OpenAI writes it (compact JSON, its fields in their order)."""
    body: dict[str, object] = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1758707201,
        "model": "gpt-4.1",
        "service_tier": "default",
        "system_fingerprint": "fp_1",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": None}],
    }
    if usage:
        body["usage"] = None
    if padding is not None:
        body["obfuscation"] = padding
    data = json.dumps(body, separators=(",", ":"), ensure_ascii=ascii_only)
    return f"data: {data}\n\n".encode(errors="surrogatepass")  # (a lone one: not UTF-8)


_PIECE = st.text(max_size=12) | st.sampled_from(["", '"', "\\", "\n", "\x01", "é", "😀", "\ud800"])


@settings(max_examples=150, deadline=None)
@given(
    pieces=st.lists(
        st.tuples(st.sampled_from(["text", "bash", "read", "stray"]), _PIECE), max_size=10
    ),
    usage=st.booleans(),
    padding=st.none() | st.sampled_from(["", "aB3", 'x"y']),
    ascii_only=st.booleans(),
)
def test_a_piece_spelt_as_openai_writes_it_reads_as_its_object_would(
    pieces: list[tuple[str, str]], usage: bool, padding: str | None, ascii_only: bool
) -> None:
    """Chunks that carry only a piece of text or of a call's arguments are read without
    building their object: the parts (blocks, deltas, errors) are those the object gives,
    whatever the piece holds (escapes, control characters, lone surrogates)."""
    stream = _spelt_as_openai({"role": "assistant", "content": ""}, usage, padding)
    for kind, piece in pieces:
        if kind == "text":
            delta: dict[str, object] = {"content": piece}
        else:  # a call's arguments; a "stray" piece names a call never begun
            wire = {"bash": 0, "read": 1, "stray": 7}[kind]
            function = {"arguments": piece}
            if piece == "" and kind != "stray":  # its start, as OpenAI writes one
                function = {"name": kind, "arguments": ""}
                call = {"index": wire, "id": f"call_{wire}", "type": "function"}
                delta = {"tool_calls": [{**call, "function": function}]}
            else:
                delta = {"tool_calls": [{"index": wire, "function": function}]}
        stream += _spelt_as_openai(delta, usage, padding, ascii_only)
    read, _ = decode(Format.OPENAI_CHAT, [stream])
    unspelt = re.compile("(?!)")  # matches nothing: every chunk's object is built
    with patch.object(_openai_chat_stream, "_PIECE_SPELT", unspelt):
        built, _ = decode(Format.OPENAI_CHAT, [stream])
    assert read == built


def test_the_chunks_openai_writes_are_read_without_building_their_object() -> None:
    """Most chunks of OpenAI's own streams (a recording) take the spelt way."""
    data = recording("openai_chat_tools").data
    with patch.object(_openai_chat_stream, "load_object", wraps=load_object) as parsed:
        decode(Format.OPENAI_CHAT, [data])
    assert parsed.call_count < data.count(b"data: ") / 2
