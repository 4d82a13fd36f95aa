"""Usage and first-content time read from raw response bytes, split at any point."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sluice.model import Format
from sluice.sidecar import usage
from sluice.sidecar.usage import ResponseMeter

ANTHROPIC = (
    b'event: message_start\ndata: {"type":"message_start","message":{"usage":'
    b'{"input_tokens":10,"cache_read_input_tokens":100,"cache_creation_input_tokens":5,'
    b'"output_tokens":1}}}\n\n'
    b'event: content_block_start\ndata: {"type":"content_block_start","index":0,'
    b'"content_block":{"type":"text","text":""}}\n\n'
    b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,'
    b'"delta":{"type":"text_delta","text":"say \\"output_tokens\\": 999"}}\n\n'
    b'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},'
    b'"usage":{"output_tokens":42}}\n\n'
)
CHAT = (
    b'data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}\n\n'
    b'data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\n'
    b'data: {"choices":[],"usage":{"prompt_tokens":30,"completion_tokens":20,'
    b'"prompt_tokens_details":{"cached_tokens":8},'
    b'"completion_tokens_details":{"reasoning_tokens":4}}}\n\n'
    b"data: [DONE]\n\n"
)
RESPONSES = (
    b'event: response.created\ndata: {"type":"response.created","response":{"usage":null}}\n\n'
    b'event: response.output_text.delta\ndata: {"type":"response.output_text.delta",'
    b'"delta":"Hi"}\n\n'
    b'event: response.completed\ndata: {"type":"response.completed","response":{"usage":'
    b'{"input_tokens":7,"input_tokens_details":{"cached_tokens":0},"output_tokens":3,'
    b'"output_tokens_details":{"reasoning_tokens":0}}}}\n\n'
)
CASES = [
    (
        Format.ANTHROPIC,
        ANTHROPIC,
        {"input": 115, "output": 42, "cache_read": 100, "cache_creation": 5},
        ANTHROPIC.index(b"event: content_block_delta"),
    ),
    (
        Format.OPENAI_CHAT,
        CHAT,
        {"input": 30, "output": 20, "cache_read": 8, "reasoning": 4},
        CHAT.index(b'{"content":"Hi"'),
    ),
    (
        Format.OPENAI_RESPONSES,
        RESPONSES,
        {"input": 7, "output": 3, "cache_read": 0, "reasoning": 0},
        RESPONSES.index(b"event: response.output_text.delta"),
    ),
]


@pytest.mark.parametrize(("fmt", "stream", "usage", "first"), CASES)
def test_usage_and_first_content_at_every_split(
    fmt: Format, stream: bytes, usage: dict[str, int], first: int
) -> None:
    for split in range(1, len(stream)):
        meter = ResponseMeter(fmt, started=0.0)
        meter.streamed()
        meter.feed(stream[:split], now=1.0)
        meter.feed(stream[split:], now=2.0)
        assert meter.usage() == usage, split
        # Seen in the first piece only if that holds the whole marker.
        assert meter.first_token == (2.0 if split <= first else meter.first_token)
        assert meter.first_token in (1.0, 2.0)


@pytest.mark.parametrize(("fmt", "stream", "usage", "first"), CASES)
def test_first_content_is_not_the_first_byte(
    fmt: Format, stream: bytes, usage: dict[str, int], first: int
) -> None:
    meter = ResponseMeter(fmt, started=0.0)
    meter.streamed()
    meter.feed(stream[:first], now=1.0)
    assert meter.first_token is None
    meter.feed(stream[first:], now=2.0)
    assert meter.first_token == 2.0


def test_a_whole_body_has_usage_and_no_first_token() -> None:
    meter = ResponseMeter(Format.ANTHROPIC, started=0.0)
    meter.feed(b'{"content":[],"usage":{"input_tokens":3,"output_tokens":4}}', now=1.0)
    assert meter.usage() == {"input": 3, "output": 4}
    assert meter.first_token is None
    assert not meter.is_stream


def test_nothing_reported_is_empty() -> None:
    meter = ResponseMeter(Format.OPENAI_CHAT, started=0.0)
    meter.feed(b'data: {"choices":[]}\n\n', now=1.0)
    assert meter.usage() == {}


# What makes and unmakes a count: quotes, escaped quotes, key characters, separators, digits.
_PIECES = [b'"', b'\\"', b'tokens"', b"tokens", b"input_", b"_", b"A", b"7", b"42", b":", b" "]


@given(st.lists(st.sampled_from(_PIECES), max_size=40).map(b"".join))
def test_counts_are_what_the_expression_finds_in_the_whole_window(window: bytes) -> None:
    assert list(usage.counts(window)) == usage._COUNT.findall(window)
