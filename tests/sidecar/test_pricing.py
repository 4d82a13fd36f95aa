"""What an exchange costs: its usage, read from each wire format as the provider sends it,
priced by hand-computed cases (cache reads and writes for 5 minutes and an hour, reasoning,
long-context tiers), and a model's price found however the provider spells its name."""

from __future__ import annotations

import json

import pytest

from sluice.config.prices import CostsConfig, ModelPrice
from sluice.model import Format
from sluice.sidecar.bedrock import BedrockStream
from sluice.sidecar.bedrock_client import EventStreamFramer
from sluice.sidecar.pricing import PriceBook, cost_usd
from sluice.sidecar.usage import ResponseMeter

BOOK = PriceBook(CostsConfig())


def sse(*events: tuple[str | None, dict[str, object]]) -> bytes:
    out = b""
    for name, data in events:
        head = f"event: {name}\n" if name else ""
        out += f"{head}data: {json.dumps(data)}\n\n".encode()
    return out


def anthropic_stream(start: dict[str, object], delta: dict[str, object]) -> bytes:
    return sse(
        ("message_start", {"type": "message_start", "message": {"usage": start}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 0}),
        ("message_delta", {"type": "message_delta", "usage": delta}),
        ("message_stop", {"type": "message_stop"}),
    )


def priced(fmt: Format, model: str, body: bytes, provider: str | None = None) -> float:
    """The dollars the response ``body`` costs, read as the sidecar reads it."""
    meter = ResponseMeter(fmt, started=0.0)
    for i in range(0, len(body), 7):  # usage split across chunks is still found
        meter.feed(body[i : i + 7], now=1.0)
    found = BOOK.lookup(provider, model)
    assert found is not None, model
    return cost_usd(found.price, meter.usage(), meter.cache_write_1h())


def test_anthropic_stream_with_cache_reads_and_both_cache_writes() -> None:
    body = anthropic_stream(
        {
            "input_tokens": 100,
            "cache_creation_input_tokens": 2000,
            "cache_read_input_tokens": 10_000,
            "cache_creation": {"ephemeral_5m_input_tokens": 500, "ephemeral_1h_input_tokens": 1500},
            "output_tokens": 1,
        },
        {"output_tokens": 400},
    )
    # Sonnet 4.5: 100 x $3 + 10000 x $0.30 + 500 x $3.75 + 1500 x $6 + 400 x $15, per million
    expected = (300 + 3000 + 1875 + 9000 + 6000) / 1e6
    assert priced(Format.ANTHROPIC, "claude-sonnet-4-5-20250929", body) == pytest.approx(expected)


def test_anthropic_long_context_prices_every_token_above_the_threshold() -> None:
    over = anthropic_stream(
        {"input_tokens": 150_000, "cache_read_input_tokens": 60_000, "output_tokens": 1},
        {"output_tokens": 1000},
    )
    # 210k input tokens, cached ones included, is over 200k: $6, $0.60 and $22.50.
    expected = (150_000 * 6 + 60_000 * 0.6 + 1000 * 22.5) / 1e6
    assert priced(Format.ANTHROPIC, "claude-sonnet-4-5", over) == pytest.approx(expected)
    at = anthropic_stream(
        {"input_tokens": 140_000, "cache_read_input_tokens": 60_000}, {"output_tokens": 1000}
    )
    expected = (140_000 * 3 + 60_000 * 0.3 + 1000 * 15) / 1e6  # exactly 200k: the base prices
    assert priced(Format.ANTHROPIC, "claude-sonnet-4-5", at) == pytest.approx(expected)


def test_a_whole_anthropic_body() -> None:
    body = json.dumps(
        {"type": "message", "usage": {"input_tokens": 120_000, "output_tokens": 300}}
    ).encode()
    # Haiku 5.5 over 100k input tokens: its second band, $0.50 and $2.50.
    expected = (120_000 * 0.5 + 300 * 2.5) / 1e6
    assert priced(Format.ANTHROPIC, "claude-haiku-5-5", body) == pytest.approx(expected)


def test_openai_chat_cached_input_and_reasoning() -> None:
    body = (
        sse(
            (None, {"choices": [{"delta": {"content": "hi"}}]}),
            (
                None,
                {
                    "choices": [],
                    "usage": {
                        "prompt_tokens": 5000,
                        "completion_tokens": 1200,
                        "prompt_tokens_details": {"cached_tokens": 4000, "audio_tokens": 0},
                        "completion_tokens_details": {"reasoning_tokens": 800},
                    },
                },
            ),
        )
        + b"data: [DONE]\n\n"
    )
    # gpt-5: 1000 fresh x $1.25 + 4000 cached x $0.125 + 1200 output (reasoning in it) x $10
    expected = (1000 * 1.25 + 4000 * 0.125 + 1200 * 10) / 1e6
    assert priced(Format.OPENAI_CHAT, "gpt-5-2025-08-07", body) == pytest.approx(expected)


def test_openai_responses_long_context() -> None:
    usage = {
        "input_tokens": 300_000,
        "input_tokens_details": {"cached_tokens": 100_000},
        "output_tokens": 2000,
        "output_tokens_details": {"reasoning_tokens": 500},
        "total_tokens": 302_000,
    }
    body = sse(
        ("response.output_text.delta", {"type": "response.output_text.delta", "delta": "x"}),
        ("response.completed", {"type": "response.completed", "response": {"usage": usage}}),
    )
    # gpt-5.4 over 272k input tokens: twice the input prices, 1.5 times the output price.
    expected = (200_000 * 5 + 100_000 * 0.5 + 2000 * 22.5) / 1e6
    assert priced(Format.OPENAI_RESPONSES, "gpt-5.4", body) == pytest.approx(expected)


def test_bedrock_usage_is_read_once_the_frames_are_decoded() -> None:
    framer = EventStreamFramer()
    anthropic = anthropic_stream({"input_tokens": 1000, "output_tokens": 1}, {"output_tokens": 200})
    frames = framer.feed(anthropic) + framer.close()
    assert b"input_tokens" not in frames  # base64 inside the frames
    decoded = BedrockStream()
    body = decoded.feed(frames) + decoded.close()
    model = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
    assert priced(Format.ANTHROPIC, model, body) == pytest.approx((1000 * 1 + 200 * 5) / 1e6)


def test_reasoning_billed_apart_and_kinds_left_out_cost_what_they_are_billed_like() -> None:
    price = ModelPrice(input=1, output=4, reasoning=2)
    usage = {"input": 1000, "cache_read": 400, "cache_creation": 100, "output": 1000}
    # Cache reads and writes at the input price; 600 reasoning tokens at $2, 400 at $4.
    assert cost_usd(price, usage | {"reasoning": 600}, cache_write_1h=50) == pytest.approx(
        (1000 * 1 + 400 * 4 + 600 * 2) / 1e6
    )


@pytest.mark.parametrize(
    ("provider", "model", "name"),
    [
        (None, "claude-opus-4-6", "claude-opus-4-6"),
        (None, "Claude-Opus-4-6", "claude-opus-4-6"),
        (None, "claude-opus-4-6[1m]", "claude-opus-4-6"),
        (None, "claude-sonnet-4-5@20250929", "claude-sonnet-4-5"),
        (None, "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5"),
        (None, "global.anthropic.claude-opus-4-5-20251101-v1:0", "claude-opus-4-5"),
        (None, "gpt-4o-2024-08-06", "gpt-4o"),
        (None, "gpt-4o-mini", "gpt-4o-mini"),
        (None, "gpt-5.4-mini-2026-03-17", "gpt-5.4-mini"),
    ],
)
def test_a_model_is_found_however_the_provider_spells_it(
    provider: str | None, model: str, name: str
) -> None:
    found = BOOK.lookup(provider, model)
    assert found is not None
    assert found.name == name


@pytest.mark.parametrize("model", ["gpt-9", "claude-opus-4-6-turbo", "", None])
def test_an_unknown_model_has_no_price(model: str | None) -> None:
    # A neighbour's price is never borrowed: claude-opus-4-6-turbo is not claude-opus-4-6.
    assert BOOK.lookup(None, model) is None


def test_the_config_comes_before_the_list_prices_and_a_provider_before_both() -> None:
    book = PriceBook(
        CostsConfig.model_validate(
            {
                "prices": {
                    "claude-haiku-4-5": {"input": 2, "output": 10},
                    "ft-*": {"input": 9, "output": 9},
                },
                "providers": {"bedrock": {"claude-haiku-4-5": {"input": 1.1, "output": 5.5}}},
            }
        )
    )
    assert book.lookup("anthropic", "claude-haiku-4-5").price.input == 2  # type: ignore[union-attr]
    assert book.lookup("bedrock", "claude-haiku-4-5").price.input == 1.1  # type: ignore[union-attr]
    assert book.lookup("bedrock", "gpt-5").price.input == 1.25  # type: ignore[union-attr]
    assert book.lookup(None, "FT-legal-v2").name == "ft-*"  # type: ignore[union-attr]
    only = PriceBook(
        CostsConfig.model_validate(
            {"list_prices": False, "prices": {"x": {"input": 1, "output": 1}}}
        )
    )
    assert only.lookup(None, "gpt-5") is None
