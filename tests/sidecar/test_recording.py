"""A capture keeps at most its limit, says what it cut, and the stored exchange shows it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sluice.model import Format
from sluice.sidecar.recording import Capture, capture_size, to_record
from sluice.store import EventKind

SSE = (
    b"event: message_start\n"
    b'data: {"type":"message_start","message":{"id":"m","model":"c","content":[],'
    b'"usage":{"input_tokens":1,"output_tokens":0}}}\n\n'
)


def capture(body: bytes, limit: int | None) -> Capture:
    return Capture(
        id="ex",
        started_at=datetime(2026, 1, 1, tzinfo=UTC),
        format=Format.ANTHROPIC,
        route="/v1/messages",
        provider="anthropic",
        request_body=body,
        status=200,
        content_type="text/event-stream",
        limit=limit,
    )


def request(size: int) -> bytes:
    messages = [{"role": "user", "content": "x" * size}]
    return json.dumps({"model": "claude-sonnet-4-5", "messages": messages}).encode()


def test_within_the_limit_everything_is_kept() -> None:
    c = capture(request(100), limit=10_000)
    c.keep_response(SSE)
    assert c.truncated == {}
    assert to_record(c).request["model"] == "claude-sonnet-4-5"
    assert not any(d.policy == "event log" for d in to_record(c).decisions)


def test_a_long_response_is_cut_at_the_limit_and_marked() -> None:
    body = request(100)
    c = capture(body, limit=len(body) + len(SSE) + 10)
    c.keep_response(SSE)
    for _ in range(100):
        c.keep_response(b"event: ping\ndata: {}\n\n")
    assert c.kept == c.limit
    assert sum(len(chunk) for chunk in c.response_chunks) == len(SSE) + 10
    assert c.truncated == {"response": 100 * 22 - 10}
    record = to_record(c)
    assert record.request["model"] == "claude-sonnet-4-5"  # the request was kept whole
    marker = record.decisions[-1]
    assert (marker.policy, marker.action, marker.kind) == ("event log", "truncate", EventKind.ERROR)
    assert marker.reason is not None
    assert "response cut by 2190 bytes" in marker.reason


def test_a_request_over_the_limit_is_stored_as_a_marker_with_its_model() -> None:
    body = request(50_000)
    c = capture(body, limit=1000)
    c.keep_response(SSE)
    assert len(c.request_body) == 1000
    assert c.response_chunks == []  # nothing left for it
    assert c.truncated == {"request": len(body) - 1000, "response": len(SSE)}
    record = to_record(c)
    assert record.request["model"] == "claude-sonnet-4-5"
    assert "not stored" in record.request["sluice_truncated"]
    assert "messages" not in record.request


def test_a_cut_request_keeps_the_model_the_data_path_read() -> None:
    body = json.dumps({"messages": [{"role": "user", "content": "x" * 5000}], "model": "m-9"})
    c = capture(body.encode(), limit=1000)  # the model is in the part that was cut
    c.model = "m-9"
    record = to_record(c)
    assert record.request["model"] == "m-9"
    assert record.model == "m-9"


def test_the_delivered_copy_counts_against_the_same_limit() -> None:
    c = capture(b"{}", limit=12)
    c.delivered_chunks = []
    c.keep_response(b"abcdef")
    c.keep_delivered(b"ghijkl")
    assert c.delivered_chunks == [b"ghij"]
    assert c.truncated == {"delivered": 2}


def test_a_delivered_copy_the_same_as_the_response_is_not_kept() -> None:
    same, rewritten = capture(b"{}", limit=None), capture(b"{}", limit=None)
    for c, delivered in ((same, [SSE[:10], SSE[10:]]), (rewritten, [SSE[:-3], b"\n\n"])):
        c.delivered_chunks = []
        c.keep_response(SSE)
        for chunk in delivered:
            c.keep_delivered(chunk)
        c.forget_same_delivered()
    assert same.delivered_chunks is None
    assert to_record(same).response_delivered is None
    assert rewritten.delivered_chunks == [SSE[:-3], b"\n\n"]


def test_a_cut_delivered_copy_is_kept_with_its_mark() -> None:
    c = capture(b"{}", limit=2 + len(SSE) + 5)
    c.delivered_chunks = []
    c.keep_response(SSE)
    c.keep_delivered(SSE)
    c.forget_same_delivered()
    assert c.delivered_chunks == [SSE[:5]]
    assert c.truncated == {"delivered": len(SSE) - 5}


def test_without_a_limit_nothing_is_cut() -> None:
    c = capture(request(100_000), limit=None)
    c.keep_response(SSE * 1000)
    assert c.truncated == {}


def test_the_size_counts_every_body() -> None:
    c = capture(b"x" * 1000, limit=None)
    c.keep_response(b"y" * 500)
    c.keep_sent(b"z" * 300)
    assert 1800 < capture_size(c) < 1800 + 1024


def test_claude_codes_user_id_is_stored_readable() -> None:
    user_id = json.dumps(
        {
            "device_id": "5f1e2d3c4b5a69788796a5b4c3d2e1f0aa",
            "account_uuid": "0b5c9e4e-1111-2222-3333-444455556666",
            "session_id": "b7a0c1d2",
        }
    )
    body = json.dumps({"model": "m", "messages": [], "metadata": {"user_id": user_id}})
    record = to_record(capture(body.encode(), limit=None))
    assert record.user_id == "account 0b5c9e4e-1111-2222-3333-444455556666, device 5f1e2d3c4b5a"
