"""A response the chain reads: its framing from label and bytes, and the memory bounds."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from prometheus_client import CollectorRegistry

from sluice.config import GatewayConfig
from sluice.sidecar.chains import ChainSet
from sluice.sidecar.exchange import Exchange
from sluice.sidecar.llm_client import ModelClients
from sluice.sidecar.metrics import SidecarMetrics
from sluice.sidecar.reading import Bounds, CutShort, Framing, framing_of, sniff
from sluice.sidecar.routes import RouteTable
from sluice.sidecar.sse import encode_event
from tests.sidecar.policies_for_tests import BlockTools, Shout, chain

REQUEST = json.dumps(
    {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}
).encode()
ANSWER = json.dumps(
    {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "m",
        "content": [{"type": "text", "text": "quiet words"}],
        "stop_reason": "end_turn",
        "usage": {"input_tokens": 1, "output_tokens": 2},
    }
).encode()


def stream(deltas: int, text: str = "quiet words") -> bytes:
    def event(name: str, data: object) -> bytes:
        return encode_event(json.dumps(data), name)

    out = event("message_start", {"type": "message_start", "message": {"id": "m", "content": []}})
    out += event(
        "content_block_start",
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    )
    delta = {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta"}}
    for _ in range(deltas):
        out += event("content_block_delta", delta | {"delta": {"type": "text_delta", "text": text}})
    out += event("content_block_stop", {"type": "content_block_stop", "index": 0})
    out += event("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn"}})
    return out + event("message_stop", {"type": "message_stop"})


@pytest.mark.parametrize(
    ("label", "framing"),
    [
        ("text/event-stream", Framing.SSE),
        ("TEXT/EVENT-STREAM; charset=utf-8", Framing.SSE),
        (" text/event-stream ;charset=UTF-8", Framing.SSE),
        ("application/json", Framing.JSON),
        ("Application/JSON; charset=utf-8", Framing.JSON),
        ("application/problem+json", Framing.JSON),
        ("text/plain", None),
        ("", None),
    ],
)
def test_the_label_is_read_whatever_its_case(label: str, framing: Framing | None) -> None:
    assert framing_of(label) == framing


@pytest.mark.parametrize(
    ("head", "framing"),
    [
        (b'{"id":', Framing.JSON),
        (b"\n  [", Framing.JSON),
        (b"\xef\xbb\xbf{", Framing.JSON),
        (b"event: message_start\n", Framing.SSE),
        (b"data: {}", Framing.SSE),
        (b": keepalive\n\n", Framing.SSE),
        (b"retry: 10\n", Framing.SSE),
        (b"", None),
        (b"  \r\n", None),
        (b"da", None),  # maybe "data:": wait for more
        (b"ev", None),
    ],
)
def test_the_first_bytes_tell_the_framing(head: bytes, framing: Framing | None) -> None:
    assert sniff(head) == framing


@pytest.mark.parametrize("head", [b"<html>", b"\x1f\x8b\x08", b"hello", b"dat!"])
def test_bytes_that_are_neither_json_nor_a_stream_cannot_be_read(head: bytes) -> None:
    with pytest.raises(CutShort) as raised:
        sniff(head)
    assert raised.value.limit is None


async def make_exchange(bounds: Bounds | None = None) -> tuple[Exchange, Counted]:
    registry = CollectorRegistry()
    metrics = SidecarMetrics(registry)
    config = GatewayConfig()
    exchange = Exchange(ChainSet(config, ModelClients(), metrics), bounds=bounds)
    await exchange.on_request_headers(RouteTable(config.routes), {":path": "/v1/messages"})
    exchange.chain = chain((Shout, {}))  # reads every text block whole
    return exchange, Counted(metrics, registry)


async def respond(exchange: Exchange, label: str, chunks: list[bytes]) -> bytes:
    await exchange.on_request_body(REQUEST)
    exchange.on_response_headers(200, label)
    out = b""
    for i, chunk in enumerate(chunks):
        async for piece in exchange.on_response_chunk(chunk, i == len(chunks) - 1):
            out += piece
    return out


def pieces(data: bytes, size: int = 100) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


@pytest.mark.parametrize(
    ("label", "body"),
    [
        ("text/event-stream", ANSWER),  # a JSON body labelled as a stream
        ("application/json", stream(3)),  # a stream labelled as JSON
        ("TEXT/EVENT-STREAM", stream(3)),
        ("application/octet-stream", ANSWER),
    ],
)
async def test_policies_apply_whatever_the_label(label: str, body: bytes) -> None:
    exchange, _ = await make_exchange()
    out = await respond(exchange, label, pieces(body, 7))
    assert b"QUIET WORDS" in out
    assert b"quiet words" not in out


TOOL_ANSWER = json.dumps(
    {
        "id": "msg_2",
        "type": "message",
        "role": "assistant",
        "model": "m",
        "content": [
            {"type": "text", "text": "Cleaning up."},
            {"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {"command": "rm -rf ~"}},
        ],
        "stop_reason": "tool_use",
        "usage": {"input_tokens": 1, "output_tokens": 2},
    }
).encode()


@pytest.mark.parametrize("sleep_s", [0.0, 0.01])
async def test_a_whole_body_is_answered_with_its_last_chunk_or_once_its_hook_has_waited(
    sleep_s: float,
) -> None:
    exchange, _ = await make_exchange()
    exchange.chain = chain((BlockTools, {"tools": ["Bash"], "sleep_s": sleep_s}))
    await exchange.on_request_body(REQUEST)
    exchange.on_response_headers(200, "application/json")
    assert exchange.take_response_chunk(TOOL_ANSWER[:40], False) == ([], None)
    pieces, rest = exchange.take_response_chunk(TOOL_ANSWER[40:], True)
    if sleep_s:  # the hook waits: nothing yet, the answer once it has decided
        assert pieces == []
        assert rest is not None
        pieces = [piece async for piece in rest]
    else:  # decided at once: no coroutine left to run
        assert rest is None
    answer = json.loads(b"".join(pieces))
    assert [block["type"] for block in answer["content"]] == ["text", "text"]
    assert "Bash is not allowed" in answer["content"][1]["text"]
    assert answer["stop_reason"] == "end_turn"
    assert [(d.policy, d.action) for d in exchange.decisions] == [("BlockTools", "block")]


@dataclass(frozen=True)
class Counted:
    metrics: SidecarMetrics
    registry: CollectorRegistry


def count(counted: Counted, name: str, **labels: str) -> float | None:
    counted.metrics.flush()
    return counted.registry.get_sample_value(name, labels)


async def test_an_unreadable_response_is_refused_not_passed_on() -> None:
    exchange, metrics = await make_exchange()
    out = await respond(exchange, "application/json", [b"<html>quiet words</html>"])
    error = json.loads(out)
    assert error["type"] == "error"
    assert "neither JSON nor an event stream" in error["error"]["message"]
    assert b"quiet words" not in out
    assert exchange.outcome() == "error"
    assert count(metrics, "sluice_errors_total", kind="unreadable_response") == 1


async def test_a_json_body_that_does_not_parse_is_refused() -> None:
    exchange, _ = await make_exchange()
    out = await respond(exchange, "application/json", [b'{"content": "quiet words"'])
    assert "could not be read" in json.loads(out)["error"]["message"]


async def test_a_stream_held_past_the_bound_ends_with_an_error_event() -> None:
    exchange, metrics = await make_exchange(Bounds(max_held=4096))
    out = await respond(exchange, "text/event-stream", pieces(stream(200)))
    last = out.rstrip().split(b"\n\n")[-1]
    assert last.startswith(b"event: error\n")
    assert b"sidecar.max_held_bytes" in last
    assert b"quiet words" not in out  # what was held is dropped, never sent unread
    assert count(metrics, "sluice_limit_exceeded_total", limit="held_bytes") == 1
    [decision] = exchange.decisions
    assert (decision.policy, decision.action) == ("sluice", "error")
    assert "max_held_bytes" in decision.reason


async def test_an_event_past_the_bound_ends_the_stream() -> None:
    exchange, metrics = await make_exchange(Bounds(max_sse_event=2048))
    huge = stream(1, text="x" * 5000)
    out = await respond(exchange, "text/event-stream", pieces(huge))
    assert b"sidecar.max_sse_event_bytes" in out.rstrip().split(b"\n\n")[-1]
    assert count(metrics, "sluice_limit_exceeded_total", limit="sse_event") == 1


async def test_a_whole_response_past_the_bound_becomes_an_error_body() -> None:
    exchange, metrics = await make_exchange(Bounds(max_response=1024))
    big = ANSWER.replace(b"quiet words", b"w" * 2000)
    out = await respond(exchange, "application/json", pieces(big))
    assert "sidecar.max_response_bytes" in json.loads(out)["error"]["message"]
    assert count(metrics, "sluice_limit_exceeded_total", limit="response_bytes") == 1


async def test_chunks_after_the_bound_are_dropped() -> None:
    exchange, _ = await make_exchange(Bounds(max_response=1024))
    await exchange.on_request_body(REQUEST)
    exchange.on_response_headers(200, "application/json")
    first = [p async for p in exchange.on_response_chunk(b"{" + b" " * 2000, False)]
    later = [p async for p in exchange.on_response_chunk(b"more", True)]
    assert len(first) == 1
    assert later == []
