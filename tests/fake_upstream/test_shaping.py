"""Delivery shaping: write boundaries, line endings and pace change bytes' timing, not meaning."""

from __future__ import annotations

import itertools
import time
from typing import TYPE_CHECKING

import pytest

from sluice.fake_upstream._shaping import Chunking, Shaping
from sluice.fake_upstream._sse import SseEvent

from .conftest import USER

if TYPE_CHECKING:
    import anthropic
    import openai

EVENTS = [SseEvent("message_start", '{"text":"déjà vu 🚀"}'), SseEvent(None, "[DONE]")] * 20


@pytest.mark.parametrize("chunking", list(Chunking))
@pytest.mark.parametrize("line_ending", ["\n", "\r\n", "\r"])
def test_writes_carry_the_same_bytes(chunking: Chunking, line_ending: str) -> None:
    shaping = Shaping(chunking=chunking, line_ending=line_ending, seed=7)

    writes = shaping.writes(EVENTS)

    assert b"".join(writes) == b"".join(event.encode(line_ending) for event in EVENTS)
    if chunking is Chunking.WHOLE:
        assert len(writes) == len(EVENTS)
    elif chunking is Chunking.BATCH:
        assert len(EVENTS) / 8 <= len(writes) < len(EVENTS)


def test_split_cuts_inside_crlf_and_utf8() -> None:
    writes = Shaping(chunking=Chunking.SPLIT, line_ending="\r\n").writes(EVENTS)

    assert any(a.endswith(b"\r") and b.startswith(b"\n") for a, b in itertools.pairwise(writes))
    assert any(_cuts_a_character(piece) for piece in writes)


def test_split_is_deterministic_by_seed() -> None:
    def split(seed: int) -> list[bytes]:
        return Shaping(chunking=Chunking.SPLIT, seed=seed).writes(EVENTS)

    assert split(1) == split(1)
    assert split(1) != split(2)


def _cuts_a_character(piece: bytes) -> bool:
    try:
        piece.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


@pytest.mark.parametrize("chunking", ["whole", "batch", "split"])
@pytest.mark.parametrize("line_ending", ["lf", "crlf", "cr"])
async def test_sdks_read_every_shape(
    claude: anthropic.AsyncAnthropic,
    gpt: openai.AsyncOpenAI,
    chunking: str,
    line_ending: str,
) -> None:
    headers = {"x-fake-chunking": chunking, "x-fake-line-ending": line_ending, "x-fake-seed": "3"}

    async with claude.messages.stream(
        model="thinking_tools", max_tokens=100, messages=USER, extra_headers=headers
    ) as stream:
        message = await stream.get_final_message()
    async with gpt.responses.stream(model="tools", input="hi", extra_headers=headers) as stream:
        response = await stream.get_final_response()

    assert [block.type for block in message.content] == ["thinking", "text", "tool_use", "tool_use"]
    assert message.content[2].input == {"command": "ls -la"}
    assert [item.type for item in response.output] == ["message", "function_call", "function_call"]


async def test_long_stream_has_the_asked_number_of_deltas(gpt: openai.AsyncOpenAI) -> None:
    stream = await gpt.chat.completions.create(
        model="long", messages=USER, stream=True, extra_headers={"x-fake-events": "500"}
    )
    texts = [chunk.choices[0].delta.content async for chunk in stream]

    assert len([text for text in texts if text]) == 500


async def test_pace(claude: anthropic.AsyncAnthropic) -> None:
    started = time.monotonic()
    async with claude.messages.stream(
        model="text", max_tokens=100, messages=USER, extra_headers={"x-fake-pace-ms": "20"}
    ) as stream:
        await stream.get_final_message()

    # 4 deltas plus 6 framing events: 9 pauses between 10 writes.
    assert time.monotonic() - started >= 9 * 0.020
