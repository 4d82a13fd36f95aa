"""Text read as it streams (``text_delta``): what is caught wherever the stream is cut, what
the client receives and when, for the three wire formats."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sluice.hooks import TextDeltaHook
from sluice.model import Format, Text, Thinking
from sluice.policies.redact import Redact, redact
from sluice.policies.replace import Replace
from sluice.policy import Policy, PolicyConfig
from sluice.sidecar.chain import Chain, Decision
from sluice.sidecar.enforce import KEEPALIVE, BodyEnforcer, StreamEnforcer
from sluice.sidecar.formats import adapter_for
from tests.policies.factories import context
from tests.sidecar.formats.recorded_streams import anthropic_client, openai_client, recording
from tests.sidecar.policies_for_tests import Shout
from tests.sidecar.test_enforce import read
from tests.sidecar.text_streams import sse_events, text_stream

FORMATS = list(Format)
KEY = "sk-ant-api03-" + "Zx9Qm2Lp7Rt4Vw8Ny3Kb6Hd1Fg5Js0Ac" + "-AbCdEf12"
SECRET_TEXT = f"Here it is: {KEY} and keep it safe."
REDACTED = redact(SECRET_TEXT)[0]
PROSE = "The quick brown fox jumps over the lazy dog, again and again, until it is tired."


def redact_chain() -> Chain:
    return Chain([Redact.configure({})])


def replace_chain() -> Chain:
    rule = {"find": "project falcon", "replace": "the product", "preserve_case": True}
    return Chain([Replace.configure({"rules": [rule]})])


def enforcer(fmt: Format, chain: Chain, keepalive_s: float = 5) -> StreamEnforcer:
    decisions: list[Decision] = []
    decoder = adapter_for(fmt).stream_decoder()
    return StreamEnforcer(chain, decoder, context(fmt), decisions, keepalive_s)


async def run(fmt: Format, chain: Chain, chunks: list[bytes]) -> bytes:
    stream = enforcer(fmt, chain)
    out = b""
    for chunk in chunks:
        async for piece in stream.feed(chunk):
            out += piece
    async for piece in stream.close():
        out += piece
    return out


def delivered(fmt: Format, out: bytes) -> str:
    (text,) = [b.text for b in read(fmt, out).blocks if isinstance(b, Text)]
    return text


def check_valid(fmt: Format, out: bytes, upstream: bytes, text: str) -> None:
    """``out`` is a stream the client's format allows, carrying ``text`` and the upstream's
    usage and end."""
    events = sse_events(out)
    assert read(fmt, out).usage == read(fmt, upstream).usage
    assert read(fmt, out).stop_reason == read(fmt, upstream).stop_reason
    if fmt is Format.ANTHROPIC:
        starts = [o["index"] for n, o in events if n == "content_block_start"]
        assert starts == list(range(len(starts)))
        assert [n for n, _ in events][-2:] == ["message_delta", "message_stop"]
    elif fmt is Format.OPENAI_CHAT:
        assert events[-1][1] == "[DONE]"
    else:
        numbers = [o["sequence_number"] for _, o in events]
        assert numbers == sorted(set(numbers))
        final = events[-1][1]["response"]
        (message,) = [item for item in final["output"] if item["type"] == "message"]
        assert message["content"][0]["text"] == text
        done = [o for n, o in events if n == "response.output_text.done"]
        assert [o["text"] for o in done] == [text]


@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_secret_split_at_any_text_boundary_is_redacted(fmt: Format) -> None:
    for cut in range(len(SECRET_TEXT) + 1):
        for last_with_finish in (False, True):
            pieces = [SECRET_TEXT[:cut], SECRET_TEXT[cut:]]
            data = text_stream(fmt, [p for p in pieces if p], last_with_finish=last_with_finish)
            out = await run(fmt, redact_chain(), [data])
            assert delivered(fmt, out) == REDACTED, f"cut at {cut}"
            assert KEY[:20].encode() not in out
            assert KEY[-12:].encode() not in out
            check_valid(fmt, out, data, REDACTED)


@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_secret_in_small_deltas_is_redacted_at_every_byte_split(fmt: Format) -> None:
    """The upstream's bytes cut anywhere in the events that carry the key (elsewhere a cut
    changes nothing the policy sees: the SSE split tests cover the parsing)."""
    pieces = [SECRET_TEXT[i : i + 11] for i in range(0, len(SECRET_TEXT), 11)]
    data = text_stream(fmt, pieces, last_with_finish=True)
    first = data.rindex(b"\n\n", 0, data.index(KEY[:8].encode())) + 2
    last = data.index(b"\n\n", data.index(KEY[-8:].encode()))
    chain = redact_chain()
    for cut in range(first, last + 1):
        out = await run(fmt, chain, [data[:cut], data[cut:]])
        assert delivered(fmt, out) == REDACTED, f"split at byte {cut}"
        assert KEY[:20].encode() not in out
    check_valid(fmt, out, data, REDACTED)


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cuts=st.lists(st.integers(0, 200), max_size=12))
async def test_replace_wherever_the_deltas_are_cut(fmt: Format, cuts: list[int]) -> None:
    text = "Project Falcon ships; PROJECT FALCON is late; project falcon, project fal"
    bounds = sorted({min(c, len(text)) for c in cuts} | {0, len(text)})
    pieces = [text[a:b] for a, b in itertools.pairwise(bounds) if b > a]
    data = text_stream(fmt, pieces)
    out = await run(fmt, replace_chain(), [data])
    expected = "The product ships; THE PRODUCT is late; the product, project fal"
    assert delivered(fmt, out) == expected
    check_valid(fmt, out, data, expected)


@pytest.mark.parametrize("fmt", FORMATS)
async def test_text_goes_on_before_the_block_ends_and_never_more_than_the_hold(
    fmt: Format,
) -> None:
    """Each delta is released as it comes, but for the last word, which could still be the
    start of a secret: the held text stays within the declared lookback."""
    chain = redact_chain()
    words = PROSE.split(" ")
    pieces = [w + " " for w in words[:-1]] + [words[-1]]
    data = text_stream(fmt, pieces)
    stream, got = enforcer(fmt, chain), ""
    for event in data.split(b"\n\n")[:-1]:
        async for piece in stream.feed(event + b"\n\n"):
            got += "".join(_texts(fmt, piece))
    # Every word but the last went out before the block's end.
    assert got.startswith(PROSE[: PROSE.rindex(" ")])
    assert len(PROSE) - len(got) <= chain.hold


def _texts(fmt: Format, data: bytes) -> list[str]:
    """The text pieces ``data`` carries."""
    pieces = []
    for _, obj in sse_events(data):
        if not isinstance(obj, dict):
            continue
        if fmt is Format.ANTHROPIC and obj.get("type") == "content_block_delta":
            pieces.append(obj["delta"].get("text", ""))
        elif fmt is Format.OPENAI_CHAT and obj.get("choices"):
            pieces.append(obj["choices"][0]["delta"].get("content") or "")
        elif obj.get("type") == "response.output_text.delta":
            pieces.append(obj["delta"])
    return pieces


@pytest.mark.parametrize("fmt", FORMATS)
async def test_first_text_precedes_the_last_upstream_delta(fmt: Format) -> None:
    pieces = ["Hello there, ", "the answer ", "is coming."]
    data = text_stream(fmt, pieces)
    events = [e + b"\n\n" for e in data.split(b"\n\n")[:-1]]
    last_delta = max(i for i, e in enumerate(events) if _texts(fmt, e))
    stream, first_text_at = enforcer(fmt, redact_chain()), None
    for i, event in enumerate(events):
        async for piece in stream.feed(event):
            if first_text_at is None and any(_texts(fmt, piece)):
                first_text_at = i
    assert first_text_at is not None
    assert first_text_at < last_delta


async def test_keepalives_flow_while_text_is_held() -> None:
    fmt = Format.ANTHROPIC
    pieces = ["The key is sk-ant-api03-Zx9Q", "m2Lp7Rt4Vw8", "Ny3Kb6Hd1Fg5Js0Ac. Done."]
    events = [e + b"\n\n" for e in text_stream(fmt, pieces).split(b"\n\n")[:-1]]
    stream = enforcer(fmt, redact_chain(), keepalive_s=0)
    deltas = [i for i, e in enumerate(events) if _texts(fmt, e)]
    for event in events[: deltas[0] + 1]:
        async for _ in stream.feed(event):
            pass
    # More of the key arrives: all of it is held, yet the client hears something.
    out = [piece async for piece in stream.feed(events[deltas[1]])]
    assert out
    assert set(out) == {KEEPALIVE}


@pytest.mark.parametrize("fmt", FORMATS)
async def test_the_sdks_read_the_redacted_stream(fmt: Format) -> None:
    pieces = [SECRET_TEXT[i : i + 3] for i in range(0, len(SECRET_TEXT), 3)]
    data = text_stream(fmt, pieces)
    out = await run(fmt, redact_chain(), [data])
    assert sdk_text(fmt, out) == REDACTED


def sdk_text(fmt: Format, body: bytes) -> str:
    """The text the official SDK assembles from the stream ``body``."""
    if fmt is Format.ANTHROPIC:
        messages = anthropic_client(body).messages
        with messages.stream(model="m", max_tokens=10, messages=[]) as stream:
            message = stream.get_final_message()
        return "".join(b.text for b in message.content if b.type == "text")
    client = openai_client(body)
    if fmt is Format.OPENAI_CHAT:
        chunks = client.chat.completions.create(model="m", messages=[], stream=True)
        return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    with client.responses.stream(model="m", input="hi") as events:
        streamed = "".join(e.delta for e in events if e.type == "response.output_text.delta")
        final = events.get_final_response().output_text
    assert streamed == final
    return final


async def test_a_whole_block_policy_holds_the_block_and_both_apply_in_order() -> None:
    fmt = Format.ANTHROPIC
    chain = Chain([Redact.configure({}), Shout.configure({})])
    assert chain.holds_text_blocks
    assert not chain.streams_text
    data = text_stream(fmt, [SECRET_TEXT[:20], SECRET_TEXT[20:]])
    out = await run(fmt, chain, [data])
    assert delivered(fmt, out) == REDACTED.upper()


@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_whole_body_goes_through_the_same_policies(fmt: Format) -> None:
    body = _body(fmt, SECRET_TEXT)
    decisions: list[Decision] = []
    enforcer = BodyEnforcer(redact_chain(), adapter_for(fmt), context(fmt), decisions)
    enforcer.feed(body)
    out = adapter_for(fmt).parse_response(await enforcer.close())
    assert [b.text for b in out.blocks if isinstance(b, Text)] == [REDACTED]
    assert [d.hook for d in decisions] == ["text_delta"]


def _body(fmt: Format, text: str) -> bytes:
    obj: dict[str, Any]
    if fmt is Format.ANTHROPIC:
        obj = {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": "m",
            "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": 1, "output_tokens": 2},
        }
    elif fmt is Format.OPENAI_CHAT:
        obj = {
            "id": "c",
            "object": "chat.completion",
            "created": 1,
            "model": "m",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
            ],
        }
    else:
        obj = {
            "id": "r",
            "object": "response",
            "created_at": 1,
            "model": "m",
            "status": "completed",
            "output": [
                {
                    "id": "msg_1",
                    "type": "message",
                    "role": "assistant",
                    "status": "completed",
                    "content": [{"type": "output_text", "text": text, "annotations": []}],
                }
            ],
        }
    return json.dumps(obj).encode()


class _Broken(Policy[PolicyConfig]):
    """Reads text as it streams, and fails."""

    lookback = 10

    async def text_delta(self, hook: TextDeltaHook) -> None:
        raise RuntimeError("boom")


@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_failing_text_policy_withholds_the_text(fmt: Format) -> None:
    data = text_stream(fmt, [SECRET_TEXT[:30], SECRET_TEXT[30:]])
    out = await run(fmt, Chain([_Broken.configure({})]), [data])
    assert KEY[:20].encode() not in out
    assert "[text withheld: policy _Broken could not check it" in delivered(fmt, out)
    check_valid(fmt, out, data, delivered(fmt, out))


@pytest.mark.parametrize("name", ["anthropic_thinking_tools", "openai_responses_reasoning_tools"])
async def test_thinking_is_left_alone(name: str) -> None:
    """Thinking is never redacted (its signature would no longer verify): its events pass
    byte for byte, and the rest of the response reads the same."""
    rec = recording(name)
    out = await run(rec.format, redact_chain(), [rec.data])
    thinking = [b for b in read(rec.format, rec.data).blocks if isinstance(b, Thinking)]
    assert thinking
    assert [b for b in read(rec.format, out).blocks if isinstance(b, Thinking)] == thinking
    assert read(rec.format, out) == read(rec.format, rec.data)
