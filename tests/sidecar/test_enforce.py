"""The chain applied to recorded streams and bodies, without a gateway."""

from __future__ import annotations

import asyncio
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sluice.hooks import ToolCallHook
from sluice.model import Format, Response, Text, ToolCall
from sluice.sidecar.chain import Chain, Decision
from sluice.sidecar.enforce import KEEPALIVE, BodyEnforcer, StreamEnforcer
from sluice.sidecar.formats import adapter_for
from sluice.sidecar.sse import SSEParser
from tests.policies.factories import context
from tests.sidecar.formats.recorded_streams import client_events, recording
from tests.sidecar.policies_for_tests import BlockTools, Explode, Shout, Sign, chain

# A recorded stream with a text or thinking block and two parallel tool calls, per format.
WITH_TOOLS = {
    Format.ANTHROPIC: ("anthropic_thinking_tools", "Bash", "Read"),
    Format.OPENAI_CHAT: ("openai_chat_tools", "run_shell", "get_weather"),
    Format.OPENAI_RESPONSES: ("openai_responses_reasoning_tools", "shell", "get_weather"),
}
END_TURN = "end_turn"


async def enforce(
    fmt: Format,
    data: bytes,
    policy_chain: Chain,
    chunk: int = 37,
    keepalive_s: float = 5,
    read_text: bool = True,
) -> tuple[bytes, list[Decision]]:
    """What a client gets for ``data`` through ``policy_chain``, and its decisions
    (``read_text``: the decoder reads text, as for a chain that has text hooks)."""
    decisions: list[Decision] = []
    decoder = adapter_for(fmt).stream_decoder(read_text=read_text)
    enforcer = StreamEnforcer(policy_chain, decoder, context(fmt), decisions, keepalive_s)
    out = b""
    for start in range(0, len(data), chunk):
        async for piece in enforcer.feed(data[start : start + chunk]):
            out += piece
    async for piece in enforcer.close():
        out += piece
    return out, decisions


def read(fmt: Format, data: bytes) -> Response:
    """What a client reads from ``data``: the format's own decoder over it."""
    decoder = adapter_for(fmt).stream_decoder()
    parser = SSEParser()
    for event in [*parser.feed(data), *parser.close()]:
        decoder.feed(event)
    return decoder.finish()


def tool_calls(response: Response) -> list[str]:
    return [b.name for b in response.blocks if isinstance(b, ToolCall)]


def texts(response: Response) -> list[str]:
    return [b.text for b in response.blocks if isinstance(b, Text)]


@pytest.mark.parametrize("fmt", [Format.OPENAI_CHAT, Format.OPENAI_RESPONSES])
async def test_inspected_but_allowed_stream_is_byte_exact(fmt: Format) -> None:
    name, _, _ = WITH_TOOLS[fmt]
    data = recording(name).data
    out, decisions = await enforce(fmt, data, chain((BlockTools, {"tools": ["nothing"]})))
    assert out == data
    assert decisions == []


async def test_inspected_but_allowed_anthropic_stream_reads_the_same() -> None:
    """Allowed tool calls wait for the end (a refusal could still have to go before
    them), so a ping may overtake them; the client reads the same message."""
    data = recording("anthropic_thinking_tools").data
    out, _ = await enforce(Format.ANTHROPIC, data, chain((BlockTools, {"tools": ["nothing"]})))
    assert read(Format.ANTHROPIC, out) == read(Format.ANTHROPIC, data)
    assert sorted(out.split(b"\n\n")) == sorted(data.split(b"\n\n"))


@pytest.mark.parametrize("fmt", list(Format))
async def test_one_blocked_call_becomes_text_before_the_other(fmt: Format) -> None:
    name, blocked, kept = WITH_TOOLS[fmt]
    out, decisions = await enforce(
        fmt, recording(name).data, chain((BlockTools, {"tools": [blocked]}))
    )
    response = read(fmt, out)
    assert tool_calls(response) == [kept]
    refusal = texts(response)[-1]
    assert refusal.startswith("Sluice blocked a tool call.")
    assert f"Tool: {blocked}" in refusal
    if fmt is Format.ANTHROPIC:  # tool_use must stay last; the OpenAI formats don't care
        assert isinstance(response.blocks[-1], ToolCall)
    assert response.stop_reason == "tool_use"
    assert [(d.policy, d.action) for d in decisions] == [("BlockTools", "block")]


@pytest.mark.parametrize("fmt", list(Format))
async def test_every_call_blocked_ends_the_turn(fmt: Format) -> None:
    name, first, second = WITH_TOOLS[fmt]
    out, _ = await enforce(
        fmt, recording(name).data, chain((BlockTools, {"tools": [first, second]}))
    )
    response = read(fmt, out)
    assert tool_calls(response) == []
    assert response.stop_reason == END_TURN
    assert "".join(texts(response)).count("Sluice blocked a tool call.") == 2
    assert response.usage.output_tokens  # the upstream's usage still reaches the client


@pytest.mark.parametrize("fmt", list(Format))
async def test_the_output_parses_at_every_chunking(fmt: Format) -> None:
    name, blocked, kept = WITH_TOOLS[fmt]
    data = recording(name).data
    for chunk in (1, 7, 64, len(data)):
        out, _ = await enforce(fmt, data, chain((BlockTools, {"tools": [blocked]})), chunk=chunk)
        assert tool_calls(read(fmt, out)) == [kept]


async def test_a_slow_hook_sends_keepalives() -> None:
    name, _, _ = WITH_TOOLS[Format.ANTHROPIC]
    slow = chain((BlockTools, {"tools": [], "sleep_s": 0.05}))
    out, _ = await enforce(Format.ANTHROPIC, recording(name).data, slow, keepalive_s=0.01)
    assert out.count(KEEPALIVE) >= 4  # two held calls, 50 ms each
    assert out.replace(KEEPALIVE, b"") == recording(name).data


async def test_a_tool_call_arriving_slowly_sends_keepalives() -> None:
    """While a held call's events trickle in (read whole when its stop comes), the client
    gets keepalives, and then the same message."""
    data = recording("anthropic_thinking_tools").data
    begun = data.index(b'"partial_json":"{')  # in the call's second argument delta
    enforcer = StreamEnforcer(
        chain((BlockTools, {"tools": ["nothing"]})),
        adapter_for(Format.ANTHROPIC).stream_decoder(read_text=False),
        context(),
        [],
        keepalive_s=0.01,
    )
    out = b""
    for piece in [data[:begun], *(data[at : at + 30] for at in range(begun, begun + 120, 30))]:
        async for sent in enforcer.feed(piece):
            out += sent
        await asyncio.sleep(0.02)
    assert out.count(KEEPALIVE) == 4
    async for sent in enforcer.feed(data[begun + 120 :]):
        out += sent
    async for sent in enforcer.close():
        out += sent
    assert read(Format.ANTHROPIC, out.replace(KEEPALIVE, b"")) == read(Format.ANTHROPIC, data)


@pytest.mark.parametrize("chunk", [1, 7, 64, 4096])
async def test_an_upstream_that_stops_inside_a_tool_call_is_judged_on_what_came(
    chunk: int,
) -> None:
    """The upstream stops while a held call's arguments stream (its events wait for the
    rest): the call is judged on what arrived, and a blocked one never reaches the client,
    whose stream the gateway ends."""
    data = recording("anthropic_thinking_tools").data
    cut = data.index(b'"partial_json":"{') + 40  # inside the Bash call's arguments
    out, decisions = await enforce(
        Format.ANTHROPIC, data[:cut], chain((BlockTools, {"tools": ["Bash"]})), chunk=chunk
    )
    response = read(Format.ANTHROPIC, out)
    assert tool_calls(response) == []
    assert "Tool: Bash" in texts(response)[-1]
    assert response.stop_reason == END_TURN
    assert [(d.policy, d.action) for d in decisions] == [("BlockTools", "block")]


@pytest.mark.parametrize("fmt", list(Format))
@pytest.mark.parametrize("sleep_s", [0, 0.01])
async def test_each_tool_call_is_judged_once_whether_its_hook_waits_or_not(
    fmt: Format, sleep_s: float
) -> None:
    """A hook that need not wait is decided as the chunk is read; one that waits goes on
    from where it stopped. Either way each call is judged once and the verdict holds."""
    judged: list[str] = []

    class Counted(BlockTools):
        async def tool_call(self, hook: ToolCallHook) -> None:
            judged.append(hook.call.name)
            await super().tool_call(hook)

    name, first, second = WITH_TOOLS[fmt]
    policy = chain((Counted, {"tools": [second], "sleep_s": sleep_s}))
    out, decisions = await enforce(fmt, recording(name).data, policy, chunk=4096)
    assert sorted(judged) == sorted([first, second])  # in the order the calls complete
    assert tool_calls(read(fmt, out)) == [first]
    assert [d.action for d in decisions] == ["block"]


def whole_stream_enforcer(policy_chain: Chain) -> tuple[StreamEnforcer, bytes]:
    data = recording(WITH_TOOLS[Format.ANTHROPIC][0]).data
    decoder = adapter_for(Format.ANTHROPIC).stream_decoder(read_text=False)
    return StreamEnforcer(policy_chain, decoder, context(), []), data


async def test_what_is_decided_at_once_goes_as_one_piece() -> None:
    """Each piece is a message to Envoy: with hooks that need not wait, a chunk holding a
    whole response (text, two tool calls, the end) goes back as one."""
    enforcer, data = whole_stream_enforcer(chain((BlockTools, {"tools": ["nothing"]})))
    pieces = [piece async for piece in enforcer.feed(data)]
    pieces += [piece async for piece in enforcer.close()]
    assert len(pieces) == 1
    assert read(Format.ANTHROPIC, pieces[0]) == read(Format.ANTHROPIC, data)


async def test_text_before_a_hook_is_sent_before_the_hook_ends() -> None:
    """A hook may take long (a judge): what comes before its call does not wait for it."""
    released = asyncio.Event()

    class WaitForTheText(BlockTools):
        async def tool_call(self, hook: ToolCallHook) -> None:
            await released.wait()

    enforcer, data = whole_stream_enforcer(chain((WaitForTheText, {})))
    feeding = enforcer.feed(data)
    first = await asyncio.wait_for(anext(feeding), 5)  # before the hook may finish
    assert tool_calls(read(Format.ANTHROPIC, first)) == []
    assert texts(read(Format.ANTHROPIC, first))
    released.set()
    rest = [piece async for piece in feeding] + [piece async for piece in enforcer.close()]
    assert tool_calls(read(Format.ANTHROPIC, first + b"".join(rest))) == ["Bash", "Read"]


async def test_a_hook_over_its_time_is_decided_by_on_error() -> None:
    name, _, _ = WITH_TOOLS[Format.ANTHROPIC]
    slow = chain((BlockTools, {"tools": [], "sleep_s": 10, "timeout_s": 0.02}))
    out, decisions = await enforce(Format.ANTHROPIC, recording(name).data, slow)
    assert tool_calls(read(Format.ANTHROPIC, out)) == []  # on_error: block, the default
    assert [d.action for d in decisions] == ["error", "error"]
    assert all("timed out" in d.reason for d in decisions)


@pytest.mark.parametrize(("on_error", "blocked"), [("block", True), ("allow", False)])
async def test_a_failing_hook_is_decided_by_on_error(on_error: str, blocked: bool) -> None:
    name, _, _ = WITH_TOOLS[Format.ANTHROPIC]
    out, decisions = await enforce(
        Format.ANTHROPIC, recording(name).data, chain((Explode, {"on_error": on_error}))
    )
    response = read(Format.ANTHROPIC, out)
    assert (tool_calls(response) == []) == blocked
    assert decisions[0].action == "error"
    assert "RuntimeError: boom" in decisions[0].reason  # for the event log; the client: "failed"


async def test_text_rewrite_replaces_the_block() -> None:
    out, decisions = await enforce(
        Format.OPENAI_CHAT, recording("openai_chat_text").data, chain((Shout, {}))
    )
    assert texts(read(Format.OPENAI_CHAT, out)) == ["GRÜSSE AUS BERLIN 👋"]
    assert decisions[0].action == "rewrite"


@pytest.mark.parametrize("fmt", list(Format))
async def test_end_hook_text_goes_before_the_tool_calls(fmt: Format) -> None:
    name, first, second = WITH_TOOLS[fmt]
    out, _ = await enforce(fmt, recording(name).data, chain((Sign, {})))
    response = read(fmt, out)
    assert "".join(texts(response)).endswith("-- checked by Sluice")
    assert sorted(tool_calls(response)) == sorted([first, second])
    if fmt is Format.ANTHROPIC:
        assert isinstance(response.blocks[-1], ToolCall)


async def test_body_enforcer_blocks_in_a_whole_response() -> None:
    body = json.dumps(
        {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": "m",
            "content": [
                {"type": "text", "text": "Sure."},
                {"type": "tool_use", "id": "t1", "name": "Bash", "input": {"command": "x"}},
            ],
            "stop_reason": "tool_use",
            "stop_sequence": None,
            "usage": {"input_tokens": 5, "output_tokens": 7},
        }
    ).encode()
    decisions: list[Decision] = []
    enforcer = BodyEnforcer(
        chain((BlockTools, {"tools": ["Bash"]})),
        adapter_for(Format.ANTHROPIC),
        context(),
        decisions,
    )
    enforcer.feed(body)
    result = json.loads(await enforcer.close())
    assert [b["type"] for b in result["content"]] == ["text", "text"]
    assert "Tool: Bash" in result["content"][1]["text"]
    assert result["stop_reason"] == END_TURN


def long_anthropic_stream() -> bytes:
    """Many text deltas, a Bash and a Read call, then text again (renumbered once Bash
    is blocked)."""

    def event(data: dict[str, object]) -> str:
        return f"event: {data['type']}\ndata: {json.dumps(data)}\n\n"

    def block(index: int, start: dict[str, object], deltas: list[dict[str, object]]) -> str:
        out = event({"type": "content_block_start", "index": index, "content_block": start})
        for delta in deltas:
            out += event({"type": "content_block_delta", "index": index, "delta": delta})
        return out + event({"type": "content_block_stop", "index": index})

    def text(index: int, words: int) -> str:
        pieces = [{"type": "text_delta", "text": f"word {i}, "} for i in range(words)]
        return block(index, {"type": "text", "text": ""}, pieces)

    def call(index: int, name: str, arguments: str) -> str:
        start = {"type": "tool_use", "id": f"toolu_{index}", "name": name, "input": {}}
        return block(index, start, [{"type": "input_json_delta", "partial_json": arguments}])

    message = {"id": "msg_1", "type": "message", "role": "assistant", "content": []}
    return (
        event({"type": "message_start", "message": message})
        + text(0, 40)
        + call(1, "Bash", '{"command": "ls"}')
        + call(2, "Read", '{"file_path": "README.md"}')
        + text(3, 20)
        + event({"type": "message_delta", "delta": {"stop_reason": "tool_use"}})
        + event({"type": "message_stop"})
    ).encode()


# Streams with text and tool calls, per format, as their providers write them.
_SKIMMED = {
    Format.ANTHROPIC: ("anthropic_thinking_tools", "Bash"),
    Format.OPENAI_CHAT: ("openai_chat_tools", "run_shell"),
    Format.OPENAI_RESPONSES: ("openai_responses_reasoning_tools", "shell"),
}


# The id of an item the gateway writes (the refusal text), new each time.
_GATEWAY_ID = re.compile(rb"msg_[0-9a-f]{32}")


async def _through(fmt: Format, data: bytes, blocked: str, read_text: bool, chunk: int) -> bytes:
    """What a client gets for ``data`` through a chain that blocks ``blocked``, its
    decoder reading text or not."""
    policy_chain = chain((BlockTools, {"tools": [blocked]}))
    out, _ = await enforce(fmt, data, policy_chain, chunk=chunk, read_text=read_text)
    return out


@pytest.mark.parametrize("fmt", list(_SKIMMED))
@pytest.mark.parametrize("chunk", [1, 7, 41, 100, 333, 1000, 100_000])
async def test_a_decoder_that_skims_text_gives_the_same_stream(fmt: Format, chunk: int) -> None:
    """A chain that reads only tool calls lets text pass unparsed (the Exchange asks the
    decoder for that), even unfed when whole events of it arrive; the client receives
    exactly the same bytes, renumbered alike after a blocked call, whether the stream ends
    as it should or is cut short (its open items then closed as far as they came)."""
    name, blocked = _SKIMMED[fmt]
    streams = [recording(name).data]
    if fmt is Format.ANTHROPIC:
        streams.append(long_anthropic_stream())
    for data in streams:
        for cut in (len(data), len(data) // 2, len(data) // 3):
            whole = await _through(fmt, data[:cut], blocked, read_text=True, chunk=chunk)
            skimmed = await _through(fmt, data[:cut], blocked, read_text=False, chunk=chunk)
            assert _GATEWAY_ID.sub(b"msg_", skimmed) == _GATEWAY_ID.sub(b"msg_", whole)
        assert blocked not in tool_calls(read(fmt, skimmed))


_TEXT_RECORDINGS = {
    Format.ANTHROPIC: "anthropic_text",
    Format.OPENAI_CHAT: "openai_chat_text",
    Format.OPENAI_RESPONSES: "openai_responses_text",
}


@pytest.mark.parametrize("fmt", list(_SKIMMED))
@pytest.mark.parametrize("chunk", [5, 100_000])
async def test_a_stream_cut_after_any_event_reads_the_same_skimmed(fmt: Format, chunk: int) -> None:
    """Wherever the upstream stops, text skimmed or read, the client gets the same bytes:
    the items the gateway closes hold the text that came, numbered after what the client
    has."""
    name, blocked = _SKIMMED[fmt]
    for data in (recording(name).data, recording(_TEXT_RECORDINGS[fmt]).data):
        ends = [found.end() for found in re.finditer(rb"\n\n", data)]
        for cut in ends:
            whole = await _through(fmt, data[:cut], blocked, read_text=True, chunk=chunk)
            skimmed = await _through(fmt, data[:cut], blocked, read_text=False, chunk=chunk)
            assert _GATEWAY_ID.sub(b"msg_", skimmed) == _GATEWAY_ID.sub(b"msg_", whole), cut


def _anthropic_calls(arguments: dict[str, list[str]], ensure_ascii: bool) -> bytes:
    """A stream written as Anthropic writes it (compact JSON): a text block, then a call
    of each tool named in ``arguments``, its arguments streamed in those pieces."""

    def event(data: dict[str, object]) -> bytes:
        dumped = json.dumps(data, ensure_ascii=ensure_ascii, separators=(",", ":"))
        return f"event: {data['type']}\ndata: {dumped}\n\n".encode()

    def delta(index: int, delta: dict[str, str]) -> bytes:
        return event({"type": "content_block_delta", "index": index, "delta": delta})

    message = {"id": "msg_1", "type": "message", "role": "assistant", "content": []}
    out = event({"type": "message_start", "message": message})
    out += event({"type": "content_block_start", "index": 0, "content_block": TEXT_START})
    out += delta(0, {"type": "text_delta", "text": "Let me look."})
    out += event({"type": "content_block_stop", "index": 0})
    for index, (name, pieces) in enumerate(arguments.items(), start=1):
        start = {"type": "tool_use", "id": f"toolu_{index}", "name": name, "input": {}}
        out += event({"type": "content_block_start", "index": index, "content_block": start})
        for piece in pieces:
            out += delta(index, {"type": "input_json_delta", "partial_json": piece})
        out += event({"type": "content_block_stop", "index": index})
    out += event({"type": "message_delta", "delta": {"stop_reason": "tool_use"}})
    return out + event({"type": "message_stop"})


TEXT_START = {"type": "text", "text": ""}


# Argument pieces: plain, and what must be escaped or is not ASCII (read event by event).
_PIECES = st.lists(
    st.text(max_size=10) | st.sampled_from(['{"command": "', '"', "\\", "\n", "é", "😀", "\x7f"]),
    max_size=8,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    bash=_PIECES,
    read_=_PIECES,
    ensure_ascii=st.booleans(),
    read_text=st.booleans(),
    chunk=st.integers(1, 400),
    blocked=st.sampled_from([(), ("Bash",), ("Read",), ("Bash", "Read")]),
)
async def test_a_held_calls_argument_deltas_taken_at_once_read_as_one_by_one(
    bash: list[str],
    read_: list[str],
    ensure_ascii: bool,
    read_text: bool,
    chunk: int,
    blocked: tuple[str, ...],
) -> None:
    """The argument deltas of a held call, fed as bytes, are taken a run at a time: the
    client gets the bytes, renumbered after a blocked call, and the policy the call, that
    reading the same stream event by event gives."""
    data = _anthropic_calls({"Bash": bash, "Read": read_}, ensure_ascii)
    outputs, decisions = [], []
    for as_bytes in (True, False):
        decided: list[Decision] = []
        enforcer = StreamEnforcer(
            chain((BlockTools, {"tools": list(blocked)})),
            adapter_for(Format.ANTHROPIC).stream_decoder(read_text=read_text),
            context(),
            decided,
        )
        out = b""
        if as_bytes:
            for start in range(0, len(data), chunk):
                async for piece in enforcer.feed(data[start : start + chunk]):
                    out += piece
        else:  # parsed already: every event read on its own
            async for piece in enforcer.feed_events(SSEParser().feed(data)):
                out += piece
        async for piece in enforcer.close():
            out += piece
        outputs.append(out)
        decisions.append([(d.action, d.reason) for d in decided])
    if blocked != ("Read",):  # (else Bash is renumbered: its events are written anew)
        assert outputs[0] == outputs[1]
    assert client_events(outputs[0]) == client_events(outputs[1])
    assert decisions[0] == decisions[1]
    response = read(Format.ANTHROPIC, outputs[0])
    kept = {"Bash": "".join(bash), "Read": "".join(read_)}
    calls = {b.name: b.arguments for b in response.blocks if isinstance(b, ToolCall)}
    assert calls == {name: args for name, args in kept.items() if name not in blocked}


def _chat_chunk(delta: dict[str, object], finish: str | None = None) -> bytes:
    """A chunk as OpenAI writes it (compact JSON, fields in their order), non-ASCII
    escaped as some OpenAI-compatible servers write it."""
    choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
    body = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    return f"data: {json.dumps(body | {'choices': [choice]}, separators=(',', ':'))}\n\n".encode()


@pytest.mark.parametrize("chunk", [1, 50, 100_000])
async def test_text_after_a_renumbered_call_is_written_as_the_reading_writes_it(
    chunk: int,
) -> None:
    """Once a blocked call makes the calls after it renumbered, a Chat chunk is written
    anew (as JSON) rather than passed as it came: text nobody reads is then not skimmed,
    so the client gets the same bytes either way."""

    def call(index: int, name: str) -> bytes:
        function = {"name": name, "arguments": '{"command": "ls"}'}
        start = {"index": index, "id": f"call_{index}", "type": "function"}
        return _chat_chunk({"tool_calls": [start | {"function": function}]})

    data = (
        _chat_chunk({"role": "assistant", "content": ""})
        + call(0, "Bash")
        + call(1, "Read")
        + b"".join(_chat_chunk({"content": f"d\u00e9j\u00e0 {i} "}) for i in range(5))
        + _chat_chunk({}, "tool_calls")
        + b"data: [DONE]\n\n"
    )
    outputs = []
    for read_text in (True, False):
        policy_chain = chain((BlockTools, {"tools": ["Bash"]}))
        out, _ = await enforce(
            Format.OPENAI_CHAT, data, policy_chain, chunk=chunk, read_text=read_text
        )
        outputs.append(out)
    assert outputs[0] == outputs[1]
    assert "déjà 4" in "".join(texts(read(Format.OPENAI_CHAT, outputs[1])))


@pytest.mark.parametrize("chunk", [1, 50, 100_000])
async def test_text_after_a_renumbered_item_is_numbered_as_the_reading_numbers_it(
    chunk: int,
) -> None:
    """Once a blocked call makes the Responses items after it renumbered, a piece of text
    is numbered anew rather than passed as it came: text nobody reads is then not
    skimmed, so the client gets the same bytes either way."""
    events: list[bytes] = []

    def event(kind: str, **fields: object) -> None:
        body = {"type": kind, "sequence_number": len(events), **fields}
        events.append(
            f"event: {kind}\ndata: {json.dumps(body, separators=(',', ':'))}\n\n".encode()
        )

    event("response.created", response={"id": "resp_1", "model": "gpt-5", "output": []})
    for wire, name in enumerate(("shell", "get_weather")):
        item = {"id": f"fc_{wire}", "type": "function_call", "arguments": "", "call_id": f"c{wire}"}
        event("response.output_item.added", output_index=wire, item=item | {"name": name})
        done = item | {"name": name, "arguments": "{}", "status": "completed"}
        event("response.output_item.done", output_index=wire, item=done)
    message = {"id": "msg_1", "type": "message", "status": "in_progress", "content": []}
    event("response.output_item.added", output_index=2, item=message | {"role": "assistant"})
    ids = {"item_id": "msg_1", "output_index": 2, "content_index": 0}
    for i in range(5):
        event("response.output_text.delta", **ids, delta=f"piece {i} ", logprobs=[])
    event("response.completed", response={"id": "resp_1", "status": "completed", "output": []})
    data = b"".join(events)
    outputs = []
    for read_text in (True, False):
        policy_chain = chain((BlockTools, {"tools": ["shell"]}))
        out, _ = await enforce(
            Format.OPENAI_RESPONSES, data, policy_chain, chunk=chunk, read_text=read_text
        )
        outputs.append(_GATEWAY_ID.sub(b"msg_", out))
    assert outputs[0] == outputs[1]
    assert b'"output_index":1,"content_index":0,"delta":"piece 4 "' in outputs[1]
