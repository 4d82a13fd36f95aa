"""A capture survives the trip from a worker to the writer process unchanged."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sluice.model import Format, Response, Text, ToolCall, Usage
from sluice.sidecar.eventlog.wire import FrameError, decode, encode, frame_size
from sluice.sidecar.recording import Capture
from sluice.store import Decision, EventKind


def full_capture() -> Capture:
    return Capture(
        id="ex-1",
        started_at=datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
        format=Format.OPENAI_CHAT,
        route="/v1/chat/completions",
        provider="openai",
        request_body=b'{"model": "gpt-5", "messages": []}' + bytes(range(256)),
        request_sent=b'{"model": "gpt-5"}',
        backend_format=Format.ANTHROPIC,  # translated
        client="key:0123456789abcdef",
        user="alice",
        team="payments",
        key_id="key_0123456789ab",
        session_id="s1",
        status=200,
        content_type="text/event-stream",
        response_chunks=[b"data: {}\n\n", b"data: [DONE]\n\n"],
        delivered_chunks=[b"data: [DONE]\n\n"],
        response=Response(
            format=Format.OPENAI_CHAT,
            model="gpt-5",
            blocks=[Text("hi"), ToolCall("c1", "Bash", '{"command": "ls"}')],
            stop_reason="tool_calls",
            usage=Usage(input_tokens=3, output_tokens=4),
        ),
        ttft=0.25,
        duration=1.5,
        cost=0.0123,
        refused=False,
        complete=False,
        sanitized=True,
        decisions=[
            Decision("tool_rules", "tool_call", "block", "rm", 0.001, EventKind.DECISION),
            Decision(
                "tool_judge",
                "tool_call",
                "allow",
                None,
                0.2,
                EventKind.JUDGE,
                at=datetime(2026, 1, 2, tzinfo=UTC),
                data={"verdict": "safe"},
            ),
        ],
        traceparent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    )


def roundtrip(capture: Capture) -> Capture:
    frame = encode(capture)
    assert frame_size(frame[:4]) == len(frame) - 4
    return decode(frame[4:])


def test_every_field_survives() -> None:
    capture = full_capture()
    back = roundtrip(capture)
    assert back.response_chunks == [b"".join(capture.response_chunks)]  # joined, as read
    back.response_chunks = capture.response_chunks
    assert back.delivered_chunks == capture.delivered_chunks
    assert back == capture


def test_absent_parts_stay_absent() -> None:
    capture = Capture(
        id="ex-2",
        started_at=datetime(2026, 1, 2, tzinfo=UTC),
        format=Format.ANTHROPIC,
        route="/v1/messages",
        provider=None,
        request_body=b"",
    )
    back = roundtrip(capture)
    assert back.request_sent is None
    assert back.delivered_chunks is None
    assert back.response is None
    assert back.response_chunks == []
    assert back == capture


@pytest.mark.parametrize(
    "frame", [b"\x00\x00\x00\x02{}", b"\x00\x00\x00\x05not json", b"\x00\x00\x00\x02{}extra"]
)
def test_garbage_is_a_frame_error(frame: bytes) -> None:
    with pytest.raises(FrameError):
        decode(frame)


def test_a_length_shorter_than_a_header_is_refused() -> None:
    with pytest.raises(FrameError):
        frame_size(b"\x00\x00\x00\x03")


def test_a_cut_capture_says_so_on_the_other_side() -> None:
    capture = full_capture()
    capture.limit = 10
    capture.kept = 10
    capture.truncated = {"request": 300, "response": 24}
    capture.model = "gpt-5"
    back = roundtrip(capture)
    assert back.model == "gpt-5"
    assert (back.limit, back.kept, back.truncated) == (10, 10, {"request": 300, "response": 24})
