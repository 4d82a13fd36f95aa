"""An Anthropic stream read only for its tool calls: what the client gets and what the chain
decides are the general reader's, however the stream is spelt, cut or judged."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import Field

from sluice.hooks import ToolCallHook
from sluice.model import Format, ToolCall
from sluice.policy import Policy, PolicyConfig
from sluice.sidecar.call_reader import KEEP, CallReader
from sluice.sidecar.chain import Chain, Decision
from sluice.sidecar.enforce import Judged, StreamEnforcer
from sluice.sidecar.formats import adapter_for
from sluice.sidecar.reading import Bounds, Framing, ResponseReader
from tests.policies.factories import context
from tests.sidecar.formats.recorded_streams import RECORDINGS, recording
from tests.sidecar.policies_for_tests import Shout, Sign, chain

A, C, R = Format.ANTHROPIC, Format.OPENAI_CHAT, Format.OPENAI_RESPONSES

SEEN: list[str] = []  # every call the Judge policy was asked about, in order


class JudgeConfig(PolicyConfig):
    block: list[str] = Field(default_factory=list, description="Tools blocked.")
    rewrite: list[str] = Field(default_factory=list, description="Tools whose calls change.")
    slow: list[str] = Field(default_factory=list, description="Tools judged after a wait.")


class Judge(Policy[JudgeConfig]):
    """Blocks, rewrites, or thinks a moment over, the tools named; notes every call."""

    Config = JudgeConfig

    async def tool_call(self, hook: ToolCallHook) -> None:
        name = hook.call.name
        SEEN.append(f"{name} {hook.call.arguments}")
        if name in self.config.slow:
            await _moment()
        if name in self.config.block:
            hook.block(f"{name} is not allowed")
        elif name in self.config.rewrite:
            hook.rewrite({"rewritten": True})


async def _moment() -> None:
    import asyncio

    await asyncio.sleep(0.001)


def _event(data: dict[str, Any], *, ascii_only: bool = True, spaced: bool = False) -> bytes:
    separators = (", ", ": ") if spaced else (",", ":")
    dumped = json.dumps(data, ensure_ascii=ascii_only, separators=separators)
    return f"event: {data['type']}\ndata: {dumped}\n\n".encode()


PING = b'event: ping\ndata: {"type": "ping"}\n\n'
ODD_EVENTS = [
    _event({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
    b": a comment\n\n",
    _event(
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "x"}},
        spaced=True,
    ),
]


def anthropic_stream(
    blocks: list[tuple[str, str, list[str]]],
    *,
    ascii_only: bool = True,
    pings: frozenset[int] = frozenset(),
    odd: tuple[int, bytes] | None = None,
) -> bytes:
    """A Messages stream as Anthropic writes it: ``blocks`` of (kind, tool name, pieces),
    kind ``text``, ``thinking`` or ``tool_use``; a ping after each event numbered in
    ``pings``; the ``odd`` event after the event so numbered."""
    message = {"id": "msg_1", "type": "message", "role": "assistant", "content": []}
    events = [_event({"type": "message_start", "message": message})]
    for index, (kind, name, pieces) in enumerate(blocks):
        start: dict[str, Any]
        if kind == "tool_use":
            start = {"type": "tool_use", "id": f"toolu_{index}", "name": name, "input": {}}
            key, delta = "partial_json", "input_json_delta"
        elif kind == "thinking":
            start = {"type": "thinking", "thinking": "", "signature": ""}
            key, delta = "thinking", "thinking_delta"
        else:
            start = {"type": "text", "text": ""}
            key, delta = "text", "text_delta"
        block_start = {"type": "content_block_start", "index": index, "content_block": start}
        events.append(_event(block_start))
        for piece in pieces:
            data = {
                "type": "content_block_delta",
                "index": index,
                "delta": {"type": delta, key: piece},
            }
            events.append(_event(data, ascii_only=ascii_only))
        events.append(_event({"type": "content_block_stop", "index": index}))
    stop_reason = "tool_use" if any(kind == "tool_use" for kind, _, _ in blocks) else "end_turn"
    ending = {"type": "message_delta", "delta": {"stop_reason": stop_reason}}
    events.append(_event(ending | {"usage": {"output_tokens": 9}}))
    events.append(_event({"type": "message_stop"}))
    out = b""
    for number, event in enumerate(events):
        out += event
        if number in pings:
            out += PING
        if odd is not None and odd[0] == number:
            out += odd[1]
    return out


def _general(
    policy_chain: Chain, decisions: list[Decision], judged: Any = (), fmt: Format = A
) -> StreamEnforcer:
    decoder = adapter_for(fmt).stream_decoder(read_text=False)
    return StreamEnforcer(policy_chain, decoder, context(fmt), decisions, judged=judged)


def call_reader(
    policy_chain: Chain,
    decisions: list[Decision],
    fmt: Format = A,
    general: Callable[[Any], StreamEnforcer] | None = None,
) -> CallReader:
    """The call-only reader of ``policy_chain``, handing over to ``general`` (by default the
    general reader of the same chain)."""
    return CallReader(
        policy_chain,
        context(fmt),
        decisions,
        general or partial(_general, policy_chain, decisions, fmt=fmt),
        adapter_for(fmt),
        keepalive_s=5.0,
        max_event=1 << 20,
    )


async def read_through(reader: StreamEnforcer | CallReader, chunks: list[bytes]) -> bytes:
    """What the client gets, ``reader`` driven as the exchange drives it (a stream that
    cannot be read is ended with an error there: marked ``UNREADABLE``). The exchange first
    asks the call reader to take a chunk whole (``takes_whole``, the server's hot path):
    asked for every other chunk here, so that both ways in are read alike."""
    out = b""
    try:
        for number, chunk in enumerate(chunks):
            taken = isinstance(reader, CallReader) and number % 2 == 0
            if taken and reader.takes_whole(chunk):  # sent as it came
                out += chunk
            else:
                out += reader.feed_now(chunk)
            async for piece in reader.decide():
                out += piece
        async for piece in reader.close():
            out += piece
    except ValueError:
        return out + UNREADABLE
    return out


UNREADABLE = b"<unreadable>"


async def both(
    data: bytes, cuts: list[int], judge: dict[str, list[str]], fmt: Format = A
) -> tuple[tuple[bytes, list[Any], list[str]], tuple[bytes, list[Any], list[str]]]:
    """The general reader's and the call reader's output, decisions and calls judged."""
    bounds = sorted({0, *cuts, len(data)})
    chunks = [data[a:b] for a, b in itertools.pairwise(bounds)]
    results = []
    for make in (partial(_general, fmt=fmt), partial(call_reader, fmt=fmt)):
        SEEN.clear()
        decisions: list[Decision] = []
        out = await read_through(make(chain((Judge, judge)), decisions), chunks)
        out = _MADE_UP.sub(b"", out)
        results.append((out, [(d.policy, d.action, d.reason) for d in decisions], list(SEEN)))
    return results[0], results[1]


# What the gateway makes up when it writes an item or a chunk itself: an id, the time.
_MADE_UP = re.compile(rb'(?<=_)[0-9a-f]{32}(?=")|(?<="created":)[0-9]+|(?<="created_at":)[0-9]+')


_TOOLS = ("Bash", "Read", "Write")
_PIECES = st.lists(
    st.text(max_size=12)
    | st.sampled_from(['{"command": "', '"}', '"', "\\", "\n", "é", "😀", "\x7f", "\u2028"]),
    max_size=6,
)
_TEXT_PIECES = st.lists(st.text(max_size=20) | st.just('a "quoted" \\ word'), max_size=5)


def _mangled(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` maybe with CRLF line ends, maybe cut short (the upstream stopped)."""
    if draw(st.booleans()):
        data = data.replace(b"\n", b"\r\n")
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return data


@st.composite
def streams(draw: st.DrawFn) -> bytes:
    lead = draw(
        st.lists(st.tuples(st.sampled_from(["text", "thinking"]), st.just(""), _TEXT_PIECES))
    )
    calls = draw(st.lists(st.tuples(st.just("tool_use"), st.sampled_from(_TOOLS), _PIECES)))
    blocks = lead[:3] + calls[:3]
    if draw(st.booleans()):  # a block after the calls, as Anthropic does not write
        blocks += draw(st.lists(st.tuples(st.just("text"), st.just(""), _TEXT_PIECES), max_size=1))
    events = 3 + sum(2 + len(pieces) for _, _, pieces in blocks)
    pings = frozenset(draw(st.lists(st.integers(0, events), max_size=3)))
    odd = draw(st.none() | st.tuples(st.integers(0, events), st.sampled_from(ANTHROPIC_ODD_EVENTS)))
    data = anthropic_stream(blocks, ascii_only=draw(st.booleans()), pings=pings, odd=odd)
    return _mangled(draw, data)


_JUDGES = st.fixed_dictionaries(
    {
        "block": st.lists(st.sampled_from(_TOOLS), max_size=2),
        "rewrite": st.lists(st.sampled_from(_TOOLS), max_size=1),
        "slow": st.lists(st.sampled_from(_TOOLS), max_size=2),
    }
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=streams(), cuts=st.lists(st.integers(1, 4000), max_size=10), judge=_JUDGES)
async def test_the_client_and_the_chain_meet_what_the_general_reader_gives(
    data: bytes, cuts: list[int], judge: dict[str, list[str]]
) -> None:
    """Whatever the stream holds (calls allowed, blocked, rewritten, judged after a wait;
    pings, odd events, a block after the calls, CRLF, a stream cut short), however it is
    cut: the same bytes to the client, the same decisions, each call judged once."""
    general, called = await both(data, [c for c in cuts if c < len(data)], judge)
    assert called == general


def _block_event(kind: str, index: int, **rest: Any) -> bytes:
    return _event({"type": f"content_block_{kind}", "index": index} | rest)


# Events no Anthropic stream holds where they are put, which the general reader still reads
# (a block numbered out of turn is renumbered; a stop or a delta of a block never begun is
# an error; a delta of the text block open passes, whatever it holds).
ANTHROPIC_ODD_EVENTS = [
    *ODD_EVENTS,
    _block_event("stop", 7),
    _block_event("delta", 7, delta={"type": "text_delta", "text": "x"}),
    _block_event("delta", 0, delta={"type": "citations_delta", "citation": {"type": "x"}}),
    _block_event("delta", 0, delta={"type": "text_delta", "text": "x"}) + b": note\n\n",
    _block_event("start", 0, content_block={"type": "text", "text": ""}),
    _block_event("start", 9, content_block={"type": "thinking", "thinking": "", "signature": ""}),
    _event({"type": "message_start", "message": {"id": "msg_2", "content": []}}),
    b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":'
    b'{"type":"text_delta","text":"a\rb"}}\n\n',  # a CR, raw, inside its data line
]


@pytest.mark.parametrize("odd", ANTHROPIC_ODD_EVENTS, ids=range(len(ANTHROPIC_ODD_EVENTS)))
@pytest.mark.parametrize("block", [[], ["Bash"]])
async def test_an_odd_event_anywhere_in_anthropic_reads_as_the_general_reader_reads_it(
    odd: bytes, block: list[str]
) -> None:
    """Each event the scan does not read, or reads only where it is, after each event of a
    stream with thinking, text and two calls, as one chunk and event by event."""
    blocks = [("thinking", "", ["Let me ", "see."]), *TEXT_AND_TWO_CALLS]
    for at in range(15):
        data = anthropic_stream(blocks, odd=(at, odd))
        await alike_whole_and_by_event(data, {"block": block}, A)


@pytest.mark.parametrize("first", [1, 2])
async def test_an_anthropic_stream_numbered_from_elsewhere_reads_as_the_general_reader_reads_it(
    first: int,
) -> None:
    """Blocks numbered from ``first`` (the general reader numbers them from 0 for the
    client): the scan reads none of them."""
    data = anthropic_stream(TEXT_AND_TWO_CALLS)
    for index in reversed(range(len(TEXT_AND_TWO_CALLS))):
        data = data.replace(b'"index":%d' % index, b'"index":%d' % (index + first))
    general = await alike_whole_and_by_event(data, {"block": []}, A)
    assert b'"index":0,' in general[0]


_CHAT_HEAD = {
    "id": "chatcmpl-1",
    "object": "chat.completion.chunk",
    "created": 1758710304,
    "model": "gpt-4.1",
    "service_tier": "default",
    "system_fingerprint": "fp_1",
}


def _chunk(delta: dict[str, Any] | None, finish: str | None = None, **rest: Any) -> dict[str, Any]:
    choices = [] if delta is None else [
        {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
    ]  # fmt: skip
    return _CHAT_HEAD | {"choices": choices, "usage": None} | rest


def _data(chunk: dict[str, Any], *, ascii_only: bool = False, spaced: bool = False) -> bytes:
    separators = (", ", ": ") if spaced else (",", ":")
    return f"data: {json.dumps(chunk, ensure_ascii=ascii_only, separators=separators)}\n\n".encode()


def _call_start(wire: int, name: str, arguments: str = "") -> dict[str, Any]:
    function = {"name": name, "arguments": arguments}
    return {
        "tool_calls": [
            {"index": wire, "id": f"call_{wire}", "type": "function", "function": function}
        ]
    }


CHAT_ODD_EVENTS = [
    _data({"error": {"message": "The server had an error", "type": "server_error"}}),
    b": a comment\n\n",
    _data(_chunk({"content": "x"}), spaced=True),
    _data(_chunk({})),  # nothing in it
    _data(_chunk({"tool_calls": [{"index": 0, "id": "call_0", "function": {"name": "Bash"}}]})),
    _data(
        _chunk({"tool_calls": [{"index": 0, "type": "function", "function": {"arguments": "x"}}]})
    ),
    _data(_chunk({"content": "after"}) | {"choices": [{"index": 1, "delta": {}}]}),
    _data(_chunk(None, usage={"prompt_tokens": 1, "completion_tokens": 2})),
    _data(_chunk(_call_start(7, "Write", "{}")) | {"error": {"message": "m", "type": "t"}}),
    _data(_chunk(_call_start(7, "Write", "{}"), "tool_calls")),
    _data(_chunk({"content": 5})),
    _data(_chunk({"content": 5} | _call_start(7, "Write", "{}"))),
    _data(_chunk(_call_start(7, "Write", "{}"), usage=5)),
    _data(_chunk({"tool_calls": _call_start(7, "Write")["tool_calls"] * 2})),
    _data(_chunk(None) | {"choices": [{"index": 1, "delta": _call_start(7, "Write", "{}")}]}),
    _data(_chunk(_call_start(7, "Write", "{}"))).replace(b'"tool_calls"', b'"tool\\u005fcalls"'),
    b"data: {}\n" + _data(_chunk(_call_start(7, "Write", "{}"))),  # two data lines, one event
    _data(_chunk({"content": "x", "tool_calls": None, "reasoning_content": "y", "refusal": "z"})),
    _data(_chunk({"tool_calls": [{"index": 0, "function": {"arguments": "@"}}]})).replace(
        b"@", b"\xff"
    ),  # a piece of the first call's arguments that is not UTF-8
    _data(_chunk(_call_start(0, "W@", "{}"))).replace(b"@", b"\xe9"),
    _data(_chunk(_call_start(0, "Write", "@"))).replace(b"@", b"\xe9"),
    b": keep\ralive\n\n",
    b"data: {}\r\n\n",
]


def chat_stream(
    blocks: list[tuple[str, str, list[str]]],
    *,
    ascii_only: bool = False,
    role_apart: bool = True,
    first_wire: int = 0,
    comments: frozenset[int] = frozenset(),
    odd: tuple[int, bytes] | None = None,
) -> bytes:
    """A Chat Completions stream as OpenAI writes it: ``blocks`` of (kind, tool name,
    pieces), kind ``text`` or ``tool_use`` (a call's first piece in its start); the role in
    a chunk of its own, or in the first block's; a comment after each event numbered in
    ``comments``; the ``odd`` event after the event so numbered."""
    role = {"role": "assistant", "content": "", "refusal": None}
    events = [_chunk(role)] if role_apart else []
    wire = first_wire
    for kind, name, pieces in blocks:
        for number, piece in enumerate(pieces or [""]):
            if kind == "text":
                delta: dict[str, Any] = {"content": piece}
            elif number == 0:
                delta = _call_start(wire, name, piece)
            else:
                delta = {"tool_calls": [{"index": wire, "function": {"arguments": piece}}]}
            if not events:
                delta = {"role": "assistant", "content": None} | delta
            events.append(_chunk(delta))
        wire += kind == "tool_use"
    finish = "tool_calls" if wire > first_wire else "stop"
    events.append(_chunk({}, finish))
    events.append(
        _chunk(None, usage={"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12})
    )
    out = b""
    for number, event in enumerate(events):
        out += _data(event, ascii_only=ascii_only)
        if number in comments:
            out += b": keepalive\n\n"
        if odd is not None and odd[0] == number:
            out += odd[1]
    return out + b"data: [DONE]\n\n"


@st.composite
def chat_streams(draw: st.DrawFn) -> bytes:
    lead = draw(st.lists(st.tuples(st.just("text"), st.just(""), _TEXT_PIECES), max_size=2))
    calls = draw(st.lists(st.tuples(st.just("tool_use"), st.sampled_from(_TOOLS), _PIECES)))
    blocks = lead + calls[:3]
    if draw(st.booleans()):  # text after the calls
        blocks += draw(st.lists(st.tuples(st.just("text"), st.just(""), _TEXT_PIECES), max_size=1))
    events = 4 + sum(len(pieces) + 1 for _, _, pieces in blocks)
    comments = frozenset(draw(st.lists(st.integers(0, events), max_size=2)))
    odd = draw(st.none() | st.tuples(st.integers(0, events), st.sampled_from(CHAT_ODD_EVENTS)))
    data = chat_stream(
        blocks,
        ascii_only=draw(st.booleans()),
        role_apart=draw(st.booleans()),
        first_wire=draw(st.sampled_from([0, 0, 0, 1])),  # calls numbered from 1: renumbered
        comments=comments,
        odd=odd,
    )
    return _mangled(draw, data)


TEXT_AND_TWO_CALLS = [
    ("text", "", ["One ", "moment."]),
    ("tool_use", "Bash", ['{"command":', ' "ls"}']),
    ("tool_use", "Read", ["{}"]),
]


async def alike_whole_and_by_event(
    data: bytes, judge: dict[str, list[str]], fmt: Format
) -> tuple[bytes, list[Any], list[str]]:
    """Assert that the call reader reads ``data`` as the general reader does, fed as one
    chunk and event by event; the general reader's output, decisions and calls judged."""
    for cuts in ([], [m.end() for m in re.finditer(b"\n\n", data)]):
        general, called = await both(data, cuts, judge, fmt)
        assert called == general
    return general


@pytest.mark.parametrize("odd", CHAT_ODD_EVENTS, ids=range(len(CHAT_ODD_EVENTS)))
@pytest.mark.parametrize("block", [[], ["Bash"], ["Read"]])
async def test_an_odd_chunk_anywhere_in_chat_reads_as_the_general_reader_reads_it(
    odd: bytes, block: list[str]
) -> None:
    """Each chunk the scan does not read, after each event of a stream with text and two
    calls, as one chunk and event by event; among them a chunk that goes on with the call
    before it (its id and name again), which the general reader joins to that call."""
    repeat = {"tool_calls": [{"index": 0, "id": "_again", "function": {"name": "_again"}}]}
    for extra in (odd, _data(_chunk(repeat))):
        for at in range(10):
            await alike_whole_and_by_event(
                chat_stream(TEXT_AND_TWO_CALLS, odd=(at, extra)), {"block": block}, C
            )


_HEADS = [
    (b'"created":1758710304', b'"created":1758710305'),  # a second later
    (b'"id":"chatcmpl-1"', b'"id":"chatcmpl-2"'),
    (b',"service_tier":"default"', b""),
    (b'"system_fingerprint":"fp_1"', b'"system_fingerprint":null'),
    (b'"model":"gpt-4.1"', b'"model":"gpt-4.1" '),  # not as OpenAI writes it: parsed
    (b'"choices":[{"index":0', b'"choices":[{"index":1'),  # another choice's: not the call's
]


@pytest.mark.parametrize(("before", "after"), _HEADS)
@pytest.mark.parametrize("block", [[], ["Bash"]])
async def test_chat_argument_chunks_whose_heads_differ_read_as_the_general_reader_reads_them(
    before: bytes, after: bytes, block: list[str]
) -> None:
    """Every chunk of a stream repeats its head, which the scan compares as bytes once it
    matched one: a chunk whose head is spelt otherwise, any of a call's, is read as the
    general reader reads it."""
    calls = [
        ("tool_use", "Bash", ['{"command"', ': "ls', " -la", '"}']),
        ("tool_use", "Read", ["{}"]),
    ]
    events = [event + b"\n\n" for event in chat_stream(calls).split(b"\n\n") if event]
    for changed in range(1, 6):
        data = b"".join(
            event.replace(before, after) if number == changed else event
            for number, event in enumerate(events)
        )
        general = await alike_whole_and_by_event(data, {"block": block}, C)
        assert general[2]  # the calls were judged


@pytest.mark.parametrize("block", [[], ["Bash"]])
async def test_a_chat_call_numbered_otherwise_or_not_utf8_reads_as_the_general_reader_reads_it(
    block: list[str],
) -> None:
    """A call numbered from 1 or 2 (the general reader renumbers it from 0), and a call
    whose start or piece holds bytes that are not UTF-8 (the general reader reads them as
    U+FFFD, piece by piece), the call last, then the finish."""
    calls = [("text", "", ["Hi."]), ("tool_use", "Bash", ["{@", '"x": 1}'])]
    for data in (
        chat_stream(calls, first_wire=1),
        chat_stream(calls, first_wire=2),
        chat_stream([calls[1]]).replace(b"{@", b"{\xe9"),  # in the start's arguments
        chat_stream(calls).replace(b'"x', b'"\xff'),  # in a piece
        chat_stream(calls).replace(b'"Bash"', b'"B\xe9"'),  # in the name
        chat_stream([("tool_use", "Bash", ["{", "@", "#}"])])
        .replace(b'"@"', b'"\xc3"')
        .replace(b'"#}"', b'"\xa9}"'),  # an é cut in two pieces
    ):
        general = await alike_whole_and_by_event(data, {"block": block}, C)
        assert general[2]  # the call was judged


def _item(kind: str, number: int, name: str, text: str, done: bool) -> dict[str, Any]:
    """An output item of the Responses API, as ``output_item.added`` or ``.done`` has it."""
    status = "completed" if done else "in_progress"
    if kind == "tool_use":
        return {
            "id": f"fc_{number}",
            "type": "function_call",
            "status": status,
            "arguments": text if done else "",
            "call_id": f"call_{number}",
            "name": name,
        }
    if kind == "thinking":
        summary = [{"type": "summary_text", "text": text}] if done else []
        return {"id": f"rs_{number}", "type": "reasoning", "summary": summary}
    if kind == "search":
        return {"id": f"ws_{number}", "type": "web_search_call", "status": status}
    content = [{"type": "output_text", "annotations": [], "logprobs": [], "text": text}]
    message = {"id": f"msg_{number}", "type": "message", "status": status}
    return message | {"content": content if done else [], "role": "assistant"}


def _item_events(kind: str, number: int, name: str, pieces: list[str]) -> list[dict[str, Any]]:
    """An item's events, from ``output_item.added`` to ``output_item.done``, unnumbered."""
    text = "".join(pieces)
    at = {"item_id": _item(kind, number, name, "", False)["id"], "output_index": number}
    events: list[dict[str, Any]] = [
        {"type": "response.output_item.added", "output_index": number}
        | {"item": _item(kind, number, name, "", False)}
    ]
    if kind == "tool_use":
        for piece in pieces:
            events.append({"type": "response.function_call_arguments.delta", **at, "delta": piece})
            events[-1]["obfuscation"] = "q"
        events.append({"type": "response.function_call_arguments.done", **at, "arguments": text})
    elif kind == "search":
        events += [{"type": f"response.web_search_call.{step}", **at} for step in ("searching",)]
    else:
        part, texts, place = (
            ("reasoning_summary_part", "reasoning_summary_text", "summary_index")
            if kind == "thinking"
            else ("content_part", "output_text", "content_index")
        )
        empty = (
            {"type": "summary_text", "text": ""}
            if kind == "thinking"
            else {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
        )
        extra: dict[str, Any] = {} if kind == "thinking" else {"logprobs": []}
        events.append({"type": f"response.{part}.added", **at, place: 0, "part": empty})
        for piece in pieces:
            delta = {"type": f"response.{texts}.delta", **at, place: 0, "delta": piece}
            events.append(delta | extra | {"obfuscation": "ab"})
        events.append({"type": f"response.{texts}.done", **at, place: 0, "text": text} | extra)
        events.append(
            {"type": f"response.{part}.done", **at, place: 0, "part": empty | {"text": text}}
        )
    done = {"type": "response.output_item.done", "output_index": number}
    events.append(done | {"item": _item(kind, number, name, text, True)})
    return events


def responses_stream(
    blocks: list[tuple[str, str, list[str]]],
    *,
    ascii_only: bool = False,
    odd: tuple[int, dict[str, Any] | bytes] | None = None,
) -> bytes:
    """A Responses stream as OpenAI writes it: ``blocks`` of (kind, tool name, pieces), kind
    ``text``, ``thinking``, ``search`` (a hosted tool's item) or ``tool_use``; the ``odd``
    event after the event so numbered (numbered in turn when it is an event without a
    number of its own)."""
    response = {"id": "resp_1", "object": "response", "created_at": 1758711200, "model": "gpt-5"}
    events: list[dict[str, Any] | bytes] = [
        {
            "type": "response.created",
            "response": response | {"status": "in_progress", "output": []},
        },
        {
            "type": "response.in_progress",
            "response": response | {"status": "in_progress", "output": []},
        },
    ]
    output = []
    for number, (kind, name, pieces) in enumerate(blocks):
        item_events = _item_events(kind, number, name, pieces)
        output.append(item_events[-1]["item"])
        events += item_events
    usage = {"input_tokens": 9, "output_tokens": 3, "total_tokens": 12}
    final = response | {"status": "completed", "output": output, "usage": usage}
    events.append({"type": "response.completed", "response": final})
    if odd is not None:
        events.insert(odd[0] + 1, odd[1])
    out, number = b"", 0
    for event in events:
        if isinstance(event, bytes):
            out += event
            continue
        event = dict(event)
        name = event.pop("_event", event["type"])  # an event line that says otherwise
        if "sequence_number" not in event:
            event = {"type": event["type"], "sequence_number": number} | event
        number += 1
        escaped = event.pop("_escaped", False)  # its type spelt with an escape
        data = json.dumps(event, ensure_ascii=ascii_only, separators=(",", ":"))
        if escaped:
            data = data.replace("output_item", "output\\u005fitem")
        out += f"event: {name}\ndata: {data}\n\n".encode()
    return out


_AT_CALL = {"item_id": "fc_1", "output_index": 1}
RESPONSES_ODD_EVENTS: list[dict[str, Any] | bytes] = [
    b": keepalive\n\n",
    {"type": "error", "code": "server_error", "message": "The server had an error"},
    {"type": "response.failed", "response": {"id": "resp_1", "status": "failed"}},
    {"type": "response.output_text.delta", "sequence_number": 0, **_AT_CALL, "delta": "x"},
    {"type": "response.output_text.delta", "item_id": "msg_9", "output_index": 9, "delta": "x"},
    {"type": "response.output_item.added", "output_index": 9}
    | {"item": _item("text", 9, "", "", False)},
    {"type": "response.function_call_arguments.delta", **_AT_CALL, "delta": 5},
    {"type": "response.function_call_arguments.delta", **_AT_CALL, "delta": "x", "obfuscation": 7},
    {"type": "response.output_text.delta", **_AT_CALL, "content_index": 0, "delta": "x"},
    {"type": "response.output_text.delta", "item_id": "msg_0", "output_index": 0, "delta": "x"},
    {"type": "response.output_text.annotation.added", "item_id": "msg_0", "output_index": 0},
    {"type": "response.queued", "response": {"id": "resp_1", "status": "queued"}},
    {"type": "response.output_item.done", "output_index": 1}
    | {"item": _item("text", 1, "", "", True)},
    {"type": "response.output_item.done", "output_index": 1, "item": {"type": "function_call"}},
    b"event: response.output_text.delta\ndata: "
    b'{"type":"response.output_text.delta","sequence_number":99,'
    b'"item_id":"msg_0","output_index":0,"delta":"x","output_index":1}\n\n',
    b'data: {"type":"response.in_progress","sequence_number":98}\n\n',
    {"type": "response.in_progress", "_event": "response.output_item.added", "output_index": 0},
    {"type": "response.output_item.added", "output_index": 1}
    | {"item": _item("text", 1, "", "", False)},
    {"type": "response.output_item.added", "_event": "x", "_escaped": True, "output_index": 3}
    | {"item": _item("tool_use", 3, "Write", "", False)},
    {"type": "response.output_item.added", "output_index": 3, "item": 5},
]


@st.composite
def responses_streams(draw: st.DrawFn) -> bytes:
    kinds = st.sampled_from(["text", "thinking", "search"])
    lead = draw(st.lists(st.tuples(kinds, st.just(""), _TEXT_PIECES), max_size=3))
    calls = draw(st.lists(st.tuples(st.just("tool_use"), st.sampled_from(_TOOLS), _PIECES)))
    blocks = lead + calls[:3]
    if draw(st.booleans()):  # an item after the calls
        blocks += draw(st.lists(st.tuples(kinds, st.just(""), _TEXT_PIECES), max_size=1))
    events = 3 + sum(len(pieces) + 5 for _, _, pieces in blocks)
    odd = draw(st.none() | st.tuples(st.integers(0, events), st.sampled_from(RESPONSES_ODD_EVENTS)))
    data = responses_stream(blocks, ascii_only=draw(st.booleans()), odd=odd)
    return _mangled(draw, data)


@pytest.mark.parametrize("fmt", [C, R])
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), cuts=st.lists(st.integers(1, 6000), max_size=10), judge=_JUDGES)
async def test_an_openai_stream_reads_as_the_general_reader_reads_it(
    fmt: Format, data: st.DataObject, cuts: list[int], judge: dict[str, list[str]]
) -> None:
    """The same in OpenAI's formats: Chat Completions (the role apart or in the first
    call's start, comments, odd chunks, text after the calls, calls numbered from 1) and
    Responses (messages, reasoning, hosted tools' items, odd events, an item after the
    calls); calls allowed, blocked, rewritten, judged after a wait, their arguments in
    pieces of any text; CRLF, a stream cut short."""
    stream = data.draw(chat_streams() if fmt is C else responses_streams())
    general, called = await both(stream, [c for c in cuts if c < len(stream)], judge, fmt)
    assert called == general


@pytest.mark.parametrize("odd", RESPONSES_ODD_EVENTS, ids=range(len(RESPONSES_ODD_EVENTS)))
@pytest.mark.parametrize("block", [[], ["Bash"], ["Read"]])
async def test_an_odd_event_anywhere_in_responses_reads_as_the_general_reader_reads_it(
    odd: dict[str, Any] | bytes, block: list[str]
) -> None:
    """Each event the scan does not read, after each event of a stream with text and two
    calls, as one chunk and event by event."""
    for at in range(24):
        data = responses_stream(TEXT_AND_TWO_CALLS, odd=(at, odd))
        await alike_whole_and_by_event(data, {"block": block}, R)


@pytest.mark.parametrize("name", [r.name for r in RECORDINGS])
async def test_every_recording_reads_as_the_general_reader_reads_it(name: str) -> None:
    """The recorded streams (an upstream's own ``: keepalive`` comment first, which the
    client has when the stream is handed over, and must not get twice), with LF and CRLF
    line ends, each call allowed, blocked, rewritten or waited on, cut at several sizes."""
    found = recording(name)
    judges: list[dict[str, list[str]]] = [{}]
    judges += [{way: ["get_weather", "Bash", "shell"]} for way in ("block", "rewrite", "slow")]
    for data in (found.data, found.data.replace(b"\r\n", b"\n")):
        for judge, size in itertools.product(judges, (7, 100, 1000, len(data))):
            cuts = list(range(size, len(data), size))
            general, called = await both(data, cuts, judge, found.format)
            assert called == general


# Streams each scan reads to their end without the general reader. Of the other
# recordings, a server tool's block, an error and a comment inside a call's chunks are
# the general reader's to read.
_READ_BY_THE_SCAN = [
    "anthropic_text",
    "anthropic_thinking_tools",
    "openai_chat_text",
    "openai_responses_text",
    "openai_responses_reasoning_tools",
    "openai_responses_incomplete",
    "openai_responses_error",
]


def _streams_read_by_the_scan() -> list[tuple[str, bytes, Format]]:
    recorded = [(name, recording(name)) for name in _READ_BY_THE_SCAN]
    thinking = [("thinking", "", ["Let me ", "see."]), *TEXT_AND_TWO_CALLS]
    return [
        *((name, found.data.replace(b"\r\n", b"\n"), found.format) for name, found in recorded),
        ("anthropic: thinking, text, two calls", anthropic_stream(thinking), A),
        ("chat: text, two calls", chat_stream(TEXT_AND_TWO_CALLS), C),
        ("responses: text, two calls", responses_stream(TEXT_AND_TWO_CALLS), R),
    ]


@pytest.mark.parametrize(("name", "data", "fmt"), _streams_read_by_the_scan())
async def test_the_scan_reads_what_each_provider_writes_without_the_general_reader(
    name: str, data: bytes, fmt: Format
) -> None:
    """Streams as each provider writes them (thinking, text, calls allowed), whole, event
    by event and cut every 100 bytes, go to the client as they came without a hand-over:
    the reader that costs a chain of tool rules least is the one that reads them."""

    def general(judged: Any) -> StreamEnforcer:
        raise AssertionError(f"{name} was handed over to the general reader")

    events = [found.end() for found in re.finditer(b"\n\n", data)]
    for cuts in ([], events, list(range(100, len(data), 100))):
        reader = call_reader(chain((Judge, {})), [], fmt, general)
        bounds = [0, *cuts, len(data)]
        out = b"".join(reader.feed_now(data[a:b]) for a, b in itertools.pairwise(bounds))
        assert out + (reader.close_now() or b"") == data


async def _per_event(make: Any, data: bytes, judge: dict[str, list[str]]) -> list[bytes]:
    """What the client gets for each event of ``data``, fed one at a time."""
    ends = [0, *(found.end() for found in re.finditer(b"\n\n", data))]
    reader = make(chain((Judge, judge)), [])
    outs = []
    for start, end in itertools.pairwise(ends):
        out = reader.feed_now(data[start:end])
        async for piece in reader.decide():
            out += piece
        outs.append(_MADE_UP.sub(b"", out))
    return outs


@pytest.mark.parametrize("fmt", [A, C, R])
@pytest.mark.parametrize("block", [[], ["Bash"]])
async def test_the_client_gets_each_event_when_the_general_reader_sends_it(
    fmt: Format, block: list[str]
) -> None:
    """Fed event by event, what goes out for each event is the general reader's: in
    OpenAI's formats a call allowed goes as soon as it is whole, before the response
    ends; in Anthropic's, calls wait for the end."""
    if fmt is A:
        data = anthropic_stream([(kind, name, pieces) for kind, name, pieces in TEXT_AND_TWO_CALLS])
    else:
        data = (chat_stream if fmt is C else responses_stream)(TEXT_AND_TWO_CALLS)
    general = await _per_event(partial(_general, fmt=fmt), data, {"block": block})
    called = await _per_event(partial(call_reader, fmt=fmt), data, {"block": block})
    assert called == general
    if not block:  # the first call, allowed: in OpenAI's formats it goes before the end
        went = next(number for number, out in enumerate(called) if b"Bash" in out)
        assert (went < len(called) - 2) is (fmt is not A)


async def test_allowed_calls_wait_for_the_end_of_the_response_then_go_as_they_came() -> None:
    data = anthropic_stream(
        [("text", "", ["Let me look."]), ("tool_use", "Bash", ['{"command":"ls"}'])]
    )
    end = data.index(b"event: message_delta")
    decisions: list[Decision] = []
    reader = call_reader(chain((Judge, {})), decisions)
    before = reader.feed_now(data[:end])
    assert b"tool_use" not in before
    assert b"Let me look." in before
    after = reader.feed_now(data[end:])
    assert before + after == data
    assert decisions == []
    assert reader.close_now() == b""


@pytest.mark.parametrize("cut", [1, 13, 100, 4096])
async def test_a_call_cut_across_chunks_is_read_whole_and_judged_once(cut: int) -> None:
    arguments = json.dumps({"command": "rm -rf ~/" + "x" * 300})
    data = anthropic_stream(
        [("text", "", ["One moment."]), ("tool_use", "Bash", [arguments[:50], arguments[50:]])]
    )
    general, called = await both(data, list(range(cut, len(data), cut)), {"block": ["Bash"]})
    assert called == general
    out, decisions, seen = called
    assert seen == [f"Bash {arguments}"]
    assert decisions == [("Judge", "block", "Bash is not allowed")]
    assert b'"tool_use"' not in out  # the refusal text said why instead
    assert b"One moment." in out


async def test_a_blocked_call_after_text_sent_is_refused_after_that_text() -> None:
    data = recording("anthropic_thinking_tools").data
    for block in (["Bash"], ["Read"], ["Bash", "Read"]):
        general, called = await both(data, list(range(60, len(data), 60)), {"block": block})
        assert called == general
        assert len(called[2]) == 2  # each call judged once


async def test_a_stream_longer_than_kept_reads_alike_its_calls_judged_once() -> None:
    words = ["word " * 100] * (KEEP // 500 + 10)
    data = anthropic_stream(
        [("text", "", words), ("tool_use", "Bash", ['{"command":"ls"}'])],
    )
    general, called = await both(data, list(range(4096, len(data), 4096)), {"block": ["Bash"]})
    assert called == general
    assert called[2] == ['Bash {"command":"ls"}']


def _reader(policy_chain: Chain, fmt: Format = Format.ANTHROPIC, **kwargs: Any) -> ResponseReader:
    return ResponseReader(
        policy_chain,
        adapter_for(fmt),
        context(fmt),
        [],
        label=Framing.SSE,
        keepalive_s=5.0,
        bounds=Bounds(),
        **kwargs,
    )


async def test_only_a_chain_that_reads_nothing_but_tool_calls_gets_the_call_reader() -> None:
    data = recording("anthropic_thinking_tools").data

    async def reader_of(reader: ResponseReader) -> object:
        async for _ in reader.feed(data[:10], False):
            pass
        return type(reader._reader)  # which reader it chose

    assert await reader_of(_reader(chain((Judge, {})))) is CallReader
    assert await reader_of(_reader(chain((Judge, {})), C)) is CallReader
    assert await reader_of(_reader(chain((Judge, {})), R)) is CallReader
    for other in (
        _reader(chain((Judge, {}), (Shout, {}))),  # text read
        _reader(chain((Judge, {}), (Sign, {}))),  # text added at the end
        _reader(chain((Judge, {})), allowance=100),  # a budget that may cut the stream
    ):
        assert await reader_of(other) is StreamEnforcer


def test_a_judged_call_that_reads_otherwise_is_an_error_not_a_second_judgment() -> None:
    decisions: list[Decision] = []
    policy_chain = chain((Judge, {}))
    judged = [
        Judged(
            ToolCall("toolu_1", "Bash", "{}"),
            ToolCallHook(context(), ToolCall("toolu_1", "Bash", "{}")),
        )
    ]
    enforcer = _general(policy_chain, decisions, judged)
    data = anthropic_stream([("tool_use", "Read", ["{}"])])
    with pytest.raises(ValueError, match="reads otherwise"):
        enforcer.feed_now(data)
