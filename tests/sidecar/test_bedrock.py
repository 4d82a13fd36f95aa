"""The Bedrock adapters: the request as Bedrock takes it, its stream and errors as Anthropic's."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from sluice.config.cloud import BedrockConfig
from sluice.sidecar.bedrock import BedrockError, BedrockStream, adapt_request, anthropic_error
from sluice.sidecar.bedrock_client import EventStreamFramer, from_bedrock_client
from sluice.sidecar.eventstream import EventStreamDecoder, encode_message
from sluice.sidecar.sse import SSEParser

EVENTS: list[dict[str, Any]] = [
    {"type": "message_start", "message": {"id": "msg_1", "content": []}},
    {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "héllo"}},
    {"type": "content_block_stop", "index": 0},
    {"type": "message_stop", "amazon-bedrock-invocationMetrics": {"inputTokenCount": 3}},
]


def chunk(event: dict[str, object]) -> bytes:
    data = base64.b64encode(json.dumps(event).encode()).decode()
    headers = {
        ":event-type": "chunk",
        ":content-type": "application/json",
        ":message-type": "event",
    }
    return encode_message(headers, json.dumps({"bytes": data, "p": "abc"}).encode())


def exception(name: str, message: str) -> bytes:
    headers = {":exception-type": name, ":message-type": "exception"}
    return encode_message(headers, json.dumps({"message": message}).encode())


def sse(data: bytes) -> list[tuple[str | None, object]]:
    parser = SSEParser()
    events = parser.feed(data) + parser.close()
    return [(e.event, json.loads(e.data)) for e in events if e.data is not None]


def test_request_moves_model_to_the_path_and_version_into_the_body() -> None:
    config = BedrockConfig(region="us-west-2")
    body = {"model": "claude-opus-4-1", "stream": False, "max_tokens": 5, "messages": []}
    adapted = adapt_request(config, json.dumps(body).encode())
    assert adapted.path == "/model/us.anthropic.claude-opus-4-1-20250805-v1%3A0/invoke"
    assert not adapted.stream
    assert json.loads(adapted.body) == {
        "max_tokens": 5,
        "messages": [],
        "anthropic_version": "bedrock-2023-05-31",
    }


def test_an_inference_profile_arn_is_one_path_segment() -> None:
    arn = "arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/abc"
    config = BedrockConfig(region="eu-west-1", models={"claude-sonnet-4-5": arn})
    adapted = adapt_request(config, b'{"model": "claude-sonnet-4-5", "stream": true}')
    assert adapted.path == (
        "/model/arn%3Aaws%3Abedrock%3Aeu-west-1%3A123456789012%3A"
        "application-inference-profile%2Fabc/invoke-with-response-stream"
    )


def test_stream_becomes_anthropic_sse_at_every_split_point() -> None:
    upstream = b"".join(chunk(event) for event in EVENTS)
    for cut in range(0, len(upstream) + 1, 7):
        stream = BedrockStream()
        out = stream.feed(upstream[:cut]) + stream.feed(upstream[cut:]) + stream.close()
        assert sse(out) == [(event["type"], event) for event in EVENTS]


def compact_chunk(event: dict[str, object], *, escape_slashes: bool = False) -> bytes:
    """A chunk as Bedrock writes it (no spaces); a JSON writer may also escape ``/``."""
    data = base64.b64encode(json.dumps(event).encode()).decode()
    if escape_slashes:
        data = data.replace("/", "\\/")
    headers = {":event-type": "chunk", ":message-type": "event"}
    return encode_message(headers, b'{"bytes":"' + data.encode() + b'","p":"ab"}')


@pytest.mark.parametrize("escape_slashes", [False, True])
def test_compact_chunks_read_the_same_escaped_or_not(escape_slashes: bool) -> None:
    # "??>" encodes to base64 with a "/" in it: an escaped one must not be taken as is.
    events = [*EVENTS[:2], {**EVENTS[2], "delta": {"type": "text_delta", "text": "??>"}}]
    frames = [compact_chunk(event, escape_slashes=escape_slashes) for event in events]
    assert b"\\/" in frames[2] if escape_slashes else b"/" in frames[2]
    stream = BedrockStream()
    assert sse(stream.feed(b"".join(frames)) + stream.close()) == [
        (event["type"], event) for event in events
    ]


def test_events_handed_out_parsed_are_the_events_of_the_sse_bytes() -> None:
    """What the chain reads without parsing (:meth:`BedrockStream.events`) is exactly what
    an SSE parser reads from the bytes the client gets, an error event included."""
    upstream = b"".join(chunk(event) for event in EVENTS) + exception("throttlingException", "x")
    for cut in range(0, len(upstream) + 1, 11):
        stream = BedrockStream()
        events = stream.events(upstream[:cut]) + stream.events(upstream[cut:])
        events += stream.close_events()
        parsed = SSEParser().feed(b"".join(event.raw for event in events))
        assert [(e.raw, e.event, e.data) for e in events] == [
            (e.raw, e.event, e.data) for e in parsed
        ]
        assert [e.event for e in events][-1] == "error"


def test_exception_frame_becomes_an_error_event_and_ends_the_stream() -> None:
    stream = BedrockStream()
    out = stream.feed(chunk(EVENTS[0]) + exception("modelStreamErrorException", "boom"))
    out += stream.feed(chunk(EVENTS[1])) + stream.close()
    [start, (name, error)] = sse(out)
    assert start[0] == "message_start"
    assert name == "error"
    assert error == {
        "type": "error",
        "error": {"type": "api_error", "message": "Bedrock modelStreamErrorException: boom"},
    }


@pytest.mark.parametrize(
    ("upstream", "reason"),
    [
        (b"\x00\x00\x00\x10garbage-bytes-here", "unreadable"),
        (chunk(EVENTS[0])[:-1], "cut short"),
        (encode_message({":event-type": "chunk"}, b'{"bytes": "not base64!"}'), "chunk unreadable"),
    ],
)
def test_a_broken_stream_ends_in_an_error_event(upstream: bytes, reason: str) -> None:
    stream = BedrockStream()
    [(name, error)] = sse(stream.feed(upstream) + stream.close())
    assert name == "error"
    assert reason in error["error"]["message"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("status", "exception", "expected_status", "kind"),
    [
        (429, "ThrottlingException:http://internal.amazon.com/coral/", 429, "rate_limit_error"),
        (400, "ValidationException", 400, "invalid_request_error"),
        (403, "AccessDeniedException", 403, "permission_error"),
        (429, "ModelNotReadyException", 429, "rate_limit_error"),
        (503, "ServiceUnavailableException", 503, "overloaded_error"),
        (424, "ModelErrorException", 502, "api_error"),
        (403, "InvalidSignatureException", 403, "permission_error"),
        (418, "", 418, "invalid_request_error"),  # a 4xx Anthropic has no name for
    ],
)
def test_errors_get_the_anthropic_status_and_type(
    status: int, exception: str, expected_status: int, kind: str
) -> None:
    error = BedrockError(status, exception)
    assert error.feed(b'{"message": "it went') == b""
    assert error.feed(b' wrong"}') == b""
    assert error.status == expected_status
    body = json.loads(error.close())
    assert body["type"] == "error"
    assert body["error"]["type"] == kind
    assert body["error"]["message"].endswith(": it went wrong")


def test_an_error_body_that_is_not_json_is_kept_as_text() -> None:
    status, body = anthropic_error(502, "", "Bad Gateway")
    assert status == 502
    assert json.loads(body)["error"]["message"] == "Bedrock: Bad Gateway"


def test_a_throttling_frame_mid_stream_is_a_rate_limit_error_event() -> None:
    stream = BedrockStream()
    [(name, error)] = sse(stream.feed(exception("throttlingException", "slow down")))
    assert name == "error"
    assert error["error"]["type"] == "rate_limit_error"  # type: ignore[index]


def test_a_bedrock_mode_request_becomes_an_anthropic_body() -> None:
    body = from_bedrock_client(
        "/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/invoke-with-response-stream",
        b'{"anthropic_version": "bedrock-2023-05-31", "max_tokens": 3, "messages": []}',
    )
    assert json.loads(body) == {
        "model": "us.anthropic.claude-haiku-4-5-20251001-v1:0",
        "max_tokens": 3,
        "messages": [],
        "stream": True,
    }
    config = BedrockConfig(region="us-east-1")
    # ... and back, to the same Bedrock path (an id passes the model map unchanged).
    assert adapt_request(config, body).path == (
        "/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/invoke-with-response-stream"
    )


def test_framing_again_for_a_bedrock_mode_client_round_trips() -> None:
    sse_stream = b"".join(
        b"event: " + e["type"].encode() + b"\ndata: " + json.dumps(e).encode() + b"\n\n"
        for e in EVENTS
    )
    framer = EventStreamFramer()
    middle = len(sse_stream) // 2
    framed = framer.feed(b": keepalive\n\n" + sse_stream[:middle])
    framed += framer.feed(sse_stream[middle:]) + framer.close()
    stream = BedrockStream()
    assert sse(stream.feed(framed) + stream.close()) == [(e["type"], e) for e in EVENTS]


def test_an_error_event_becomes_an_exception_frame() -> None:
    error = {"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}
    framed = EventStreamFramer().feed(
        b"event: error\ndata: " + json.dumps(error).encode() + b"\n\n"
    )
    [message] = EventStreamDecoder().feed(framed)
    assert message.header(":message-type") == "exception"
    assert message.header(":exception-type") == "serviceUnavailableException"
    assert json.loads(message.payload) == {"message": "busy"}
