"""Usage follows the request's size, its cache breakpoints and the reply's length."""

from __future__ import annotations

from sluice.fake_upstream._scripts import build_script
from sluice.fake_upstream._usage import tally


def test_no_breakpoint_no_cache() -> None:
    usage = tally(b"x" * 400, build_script("text"))

    assert (usage.input_tokens, usage.cache_read_tokens, usage.cache_creation_tokens) == (100, 0, 0)


def test_cache_read_up_to_the_previous_breakpoint_written_up_to_the_last() -> None:
    body = b"a" * 400 + b'"cache_control"' + b"b" * 200 + b'"cache_control"' + b"c" * 40
    usage = tally(body, build_script("text"))

    assert usage.cache_read_tokens == 100
    assert usage.cache_creation_tokens == 54
    assert usage.prompt_tokens == -(-len(body) // 4)


def test_output_and_reasoning_follow_the_script() -> None:
    short, long, thinking = (
        tally(b"{}", build_script(name)) for name in ("text", "long", "thinking")
    )

    assert short.output_tokens < long.output_tokens
    assert short.reasoning_tokens == 0 < thinking.reasoning_tokens < thinking.output_tokens
