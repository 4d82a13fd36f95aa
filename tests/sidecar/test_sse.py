from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sluice.sidecar import sse
from sluice.sidecar.sse import EventTooLarge, SSEEvent, SSEParser, encode_event


def anthropic_stream(line_end: str = "\n") -> bytes:
    events = [
        ("message_start", {"type": "message_start", "message": {"id": "msg_1", "content": []}}),
        ("content_block_start", {"type": "content_block_start", "index": 0}),
        ("ping", {"type": "ping"}),
        ("content_block_delta", {"type": "content_block_delta", "delta": {"text": "Grüße 🌍"}}),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        ("message_stop", {"type": "message_stop"}),
    ]
    out = "".join(
        f"event: {name}{line_end}data: {json.dumps(data, ensure_ascii=False)}{line_end}{line_end}"
        for name, data in events
    )
    return out.encode()


OPENAI_STREAM = (
    b'data: {"choices":[{"delta":{"content":"Hi"}}]}\n\n'
    b": keepalive\n\n"
    b'data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\n'
    b"data: [DONE]\n\n"
)

RECORDED = {
    "anthropic-lf": anthropic_stream("\n"),
    "anthropic-crlf": anthropic_stream("\r\n"),
    "anthropic-cr": anthropic_stream("\r"),
    "openai": OPENAI_STREAM,
    "multiline": b"event: x\ndata: line one\ndata: line two\nid: 7\n\n",
    "no-final-blank-line": b"data: a\n\ndata: last",
}


def parse(chunks: list[bytes]) -> list[SSEEvent]:
    parser = SSEParser()
    events = [event for chunk in chunks for event in parser.feed(chunk)]
    return events + parser.close()


def signature(events: list[SSEEvent]) -> list[tuple[str | None, str | None, tuple[str, ...]]]:
    """What a client sees: events that only carry stray line-end bytes are no events."""
    return [(e.event, e.data, e.comments) for e in events if e.data is not None or e.comments]


@pytest.mark.parametrize("name", RECORDED)
def test_every_split_point_gives_the_same_events_and_bytes(name: str) -> None:
    stream = RECORDED[name]
    whole = parse([stream])
    for cut in range(len(stream) + 1):
        events = parse([stream[:cut], stream[cut:]])
        assert signature(events) == signature(whole), f"split at {cut}"
        assert b"".join(e.raw for e in events) == stream


@given(st.sampled_from(sorted(RECORDED)), st.lists(st.integers(0, 2000), max_size=12))
def test_any_chunking_gives_the_same_events_and_bytes(name: str, cuts: list[int]) -> None:
    stream = RECORDED[name]
    bounds = sorted({min(c, len(stream)) for c in cuts} | {0, len(stream)})
    chunks = [stream[a:b] for a, b in itertools.pairwise(bounds)]
    events = parse(chunks)
    assert signature(events) == signature(parse([stream]))
    assert b"".join(e.raw for e in events) == stream


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_line_endings_are_equivalent(line_end: str) -> None:
    events = parse([anthropic_stream(line_end)])
    assert [e.event for e in events] == [
        "message_start",
        "content_block_start",
        "ping",
        "content_block_delta",
        "content_block_stop",
        "message_stop",
    ]
    assert json.loads(events[3].data or "")["delta"]["text"] == "Grüße 🌍"


def test_cr_at_chunk_end_waits_for_a_possible_lf() -> None:
    parser = SSEParser()
    assert parser.feed(b"data: a\r") == []
    assert parser.feed(b"\n") == []  # CRLF is one line end, not two
    [event] = parser.feed(b"\r\n")
    assert event.data == "a"
    assert event.raw == b"data: a\r\n\r\n"


def test_cr_cr_is_a_blank_line() -> None:
    parser = SSEParser()
    [event] = parser.feed(b"data: a\r\r")
    assert event.data == "a"


def test_multiline_data_and_fields() -> None:
    [event] = parse([RECORDED["multiline"]])
    assert event == SSEEvent(
        raw=RECORDED["multiline"], event="x", data="line one\nline two", id="7"
    )


def test_comment_only_block_is_an_event_without_data() -> None:
    [event] = parse([b": keepalive\n\n"])
    assert event.data is None
    assert event.comments == ("keepalive",)


def test_field_without_colon_and_without_space() -> None:
    [event] = parse([b"data\nevent:tight\n\n"])
    assert event.data == ""
    assert event.event == "tight"


def test_close_delivers_an_unterminated_event() -> None:
    parser = SSEParser()
    assert parser.feed(b"event: message_stop\ndata: {}") == []
    [event] = parser.close()
    assert (event.event, event.data) == ("message_stop", "{}")


@pytest.mark.parametrize("ends", [b"\n", b"\r\n", b"\r"])
@pytest.mark.parametrize("rest", [b'data: {"a"', b"data: {}{ends}", b"event: x{ends}data: 1{ends}"])
def test_close_can_drop_an_unfinished_event_as_a_client_does(ends: bytes, rest: bytes) -> None:
    """Asked to, the parser drops an event the stream left without its blank line (a
    client discards it), and delivers the whole ones before it."""
    parser = SSEParser()
    whole = b"data: a" + ends * 2
    events = parser.feed(whole + rest.replace(b"{ends}", ends))
    assert [event.raw for event in [*events, *parser.close(unfinished=False)]] == [whole]
    assert parser.close() == []


def test_close_on_a_clean_end_delivers_nothing() -> None:
    parser = SSEParser()
    parser.feed(b"data: a\n\n")
    assert parser.close() == []


def test_multibyte_character_split_across_chunks() -> None:
    data = "data: ü\n\n".encode()
    split = data.index(b"\xc3") + 1
    [event] = parse([data[:split], data[split:]])
    assert event.data == "ü"


@pytest.mark.parametrize(
    ("data", "event", "expected"),
    [
        ("{}", "ping", b"event: ping\ndata: {}\n\n"),
        ("a\nb", None, b"data: a\ndata: b\n\n"),
    ],
)
def test_encode_event_round_trips(data: str, event: str | None, expected: bytes) -> None:
    encoded = encode_event(data, event)
    assert encoded == expected
    [parsed] = parse([encoded])
    assert (parsed.event, parsed.data) == (event, data)


class _CountingBuffer(bytearray):
    """A parser buffer that counts the bytes its ``find`` searches."""

    searched = 0

    def find(self, sub: object, start: object = 0, *args: object) -> int:  # type: ignore[override]
        _CountingBuffer.searched += len(self) - int(start)  # type: ignore[call-overload]
        return super().find(sub, start, *args)  # type: ignore[arg-type]


class _CountingPattern:
    """Stands in for the parser's line-end pattern, counting the bytes each search covers."""

    def __init__(self, pattern: re.Pattern[bytes]) -> None:
        self.pattern = pattern
        self.searched = 0

    def search(self, buf: bytearray, pos: int) -> re.Match[bytes] | None:
        match = self.pattern.search(buf, pos)
        self.searched += (match.end() if match else len(buf)) - pos
        return match

    def match(self, buf: bytearray, pos: int) -> re.Match[bytes] | None:
        found = self.pattern.match(buf, pos)
        self.searched += (found.end() if found else len(buf)) - pos  # (at most)
        return found

    def fullmatch(self, raw: bytes) -> re.Match[bytes] | None:
        self.searched += len(raw)
        return self.pattern.fullmatch(raw)


@pytest.mark.parametrize("one_at_a_time", [False, True])
@pytest.mark.parametrize("line_end", [b"\n", b"\r\n"])
def test_a_huge_event_fed_in_small_chunks_is_searched_once(
    line_end: bytes, one_at_a_time: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Linear, not quadratic: a 1 MiB event in 64-byte chunks costs about 1 MiB of searching
    (rescanning the growing event on each chunk would cost some 8 GiB), fed or read one
    event at a time, the pattern for what providers write included."""
    counting = _CountingPattern(sse._LINE_END)
    plain = _CountingPattern(sse._PLAIN)
    monkeypatch.setattr(sse, "_LINE_END", counting)
    monkeypatch.setattr(sse, "_PLAIN", plain)
    _CountingBuffer.searched = 0
    size = 1 << 20
    stream = b"data: " + b"x" * size + line_end + line_end + b"data: next" + line_end + line_end
    parser = SSEParser()
    parser._buf = _CountingBuffer()
    events: list[SSEEvent] = []
    for i in range(0, len(stream), 64):
        if one_at_a_time:
            parser.add(stream[i : i + 64])
            events += iter(parser.next_event, None)
        else:
            events += parser.feed(stream[i : i + 64])
    events += parser.close()
    assert [len(e.data or "") for e in events] == [size, 4]
    assert _CountingBuffer.searched + counting.searched + plain.searched < 3 * len(stream)


def test_an_event_over_the_limit_raises_before_the_buffer_grows_further() -> None:
    parser = SSEParser(max_event=1000)
    assert parser.feed(b"data: " + b"x" * 900) == []
    assert parser.feed(b"x" * 64) == []
    with pytest.raises(EventTooLarge) as raised:
        parser.feed(b"x" * 64)
    assert (raised.value.size, raised.value.limit) == (1034, 1000)


def test_a_whole_event_over_the_limit_in_one_chunk_raises() -> None:
    with pytest.raises(EventTooLarge):
        SSEParser(max_event=100).feed(b"data: " + b"x" * 200 + b"\n\n")


def test_events_under_the_limit_pass() -> None:
    parser = SSEParser(max_event=100)
    assert [e.data for e in parser.feed(b"data: a\n\n" * 50)] == ["a"] * 50


def everything(data: bytes | bytearray, start: int) -> int:
    """Every whole event from ``start`` needs no reading."""
    end = data.rfind(b"\n\n")
    return start if end == -1 else max(start, end + 2)


def up_to(marker: bytes) -> Callable[[bytes | bytearray, int], int]:
    """The events before the one that starts with ``marker`` need no reading."""
    return lambda data, start: data.find(marker, start) if marker in data[start:] else start


@pytest.mark.parametrize("name", RECORDED)
def test_skimmed_events_and_the_rest_add_up_to_the_stream_at_every_split(name: str) -> None:
    stream = RECORDED[name]
    for cut in range(len(stream) + 1):
        parser = SSEParser()
        skimmed = parser.skim(stream[:cut], everything)
        events = list(iter(parser.next_event, None))
        skimmed += parser.skim(stream[cut:], everything)
        events += [*iter(parser.next_event, None), *parser.close()]
        if b"\r" not in stream:
            assert b"".join(e.raw for e in events) == stream[len(skimmed) :], f"split at {cut}"
            assert signature(parse([skimmed])) + signature(events) == signature(parse([stream]))
        else:  # lines are read one by one: nothing is skimmed
            assert skimmed == b""
            assert signature(events) == signature(parse([stream]))


def test_skim_takes_the_unread_start_of_an_event_with_it() -> None:
    parser = SSEParser()
    parser.add(b"event: a\nda")
    assert parser.next_event() is None
    assert parser.skim(b"ta: 1\n\nevent: b\n", everything) == b"event: a\ndata: 1\n\n"
    parser.add(b"data: 2\n\n")
    event = parser.next_event()
    assert event is not None
    assert (event.event, event.data, event.raw) == ("b", "2", b"event: b\ndata: 2\n\n")


def test_skim_refused_leaves_everything_to_read() -> None:
    parser = SSEParser()
    assert parser.skim(b"data: 1\n\ndata: 2", lambda data, start: start) == b""
    assert [e.data for e in [*iter(parser.next_event, None), *parser.close()]] == ["1", "2"]


def test_skim_takes_what_is_unread_and_leaves_the_rest() -> None:
    parser = SSEParser()
    assert parser.skim(b"data: 1\n\ndata: 2\n\ndata: 3", up_to(b"data: 2")) == b"data: 1\n\n"
    assert parser.holds_event()
    assert [e.data for e in parser.feed(b"\n\n")] == ["2", "3"]
    assert not parser.holds_event()


def test_nothing_is_skimmed_from_a_stream_with_cr_line_ends() -> None:
    parser = SSEParser()
    assert parser.skim(b"data: 1\r\n\r\n", everything) == b""
    assert [e.data for e in iter(parser.next_event, None)] == ["1"]


@pytest.mark.parametrize("before", [b"", b"data: 1\n\n", b"data: 1\n\nda"])
def test_an_event_over_the_limit_is_refused_skimmed_as_read(before: bytes) -> None:
    parser = SSEParser(max_event=16)
    assert parser.skim(before, lambda data, start: start) == b""
    with pytest.raises(EventTooLarge) as raised:
        parser.skim(b"ta: 2\n\ndata: " + b"x" * 20 + b"\n\n", everything)
    assert raised.value.size == 28


def test_skimmed_events_over_the_limit_together_pass() -> None:
    parser = SSEParser(max_event=16)
    assert parser.skim(b"data: 1\n\n" * 10, everything) == b"data: 1\n\n" * 10
    parser.add(b"data: 1\n\n" * 10)
    assert parser.skim(b"", everything) == b"data: 1\n\n" * 10


def test_a_skim_between_two_events_takes_the_whole_ones_after() -> None:
    parser = SSEParser()
    parser.add(b"event: a\ndata: 1\n\nevent: b\ndata: 2\n\nevent: b\ndata: 3\n\nevent: c\ndata: 4")
    assert parser.next_event() == SSEEvent(b"event: a\ndata: 1\n\n", "a", "1")
    taken = parser.skim(b"\n\n", up_to(b"event: c"))
    assert taken == b"event: b\ndata: 2\n\nevent: b\ndata: 3\n\n"
    assert parser.next_event() == SSEEvent(b"event: c\ndata: 4\n\n", "c", "4")
    assert parser.next_event() is None


def read_one_at_a_time(chunks: list[bytes]) -> list[SSEEvent]:
    parser, events = SSEParser(), []
    for chunk in chunks:
        parser.add(chunk)
        events += iter(parser.next_event, None)
    return events + parser.close()


@pytest.mark.parametrize("name", RECORDED)
def test_events_read_one_at_a_time_are_the_same_at_every_split(name: str) -> None:
    stream = RECORDED[name]
    for cut in range(len(stream) + 1):
        events = read_one_at_a_time([stream[:cut], stream[cut:]])
        assert signature(events) == signature(parse([stream])), f"split at {cut}"
        assert b"".join(e.raw for e in events) == stream


def test_reading_one_at_a_time_still_bounds_an_unfinished_event() -> None:
    parser = SSEParser(max_event=32)
    parser.add(b"data: 1\n\ndata: " + b"x" * 40)
    assert parser.next_event() == SSEEvent(b"data: 1\n\n", None, "1")
    with pytest.raises(EventTooLarge):
        parser.next_event()


def test_skimming_without_end_leaves_the_next_event_readable() -> None:
    parser = SSEParser(max_event=64)
    for _ in range(100):  # an endless run of skimmed events holds no memory
        assert parser.skim(b"data: 1\n\n", everything) == b"data: 1\n\n"
        parser.add(b"data: 2\n\ndata: 3\n\n")
        assert parser.skim(b"", everything) == b"data: 2\n\ndata: 3\n\n"
    parser.add(b"data: 4")  # within the bound, with nothing of the skimmed ones kept
    assert parser.next_event() is None
    assert [e.data for e in parser.feed(b"\n\n")] == ["4"]


@pytest.mark.parametrize(
    "stream",
    [
        b"event: a\ndata: 1\n\n",  # as providers write: read at once
        b": hi\nevent: a\ndata: 1\n\n",  # a comment first
        b"id: 7\nevent: a\ndata: 1\n\n",
        b"event: a\nid: 7\ndata: 1\n\n",
        b"event: a\ndata: 1\ndata: 2\n\n",  # two data lines
        b"event: a\ndata:1\n\n",  # no space after the colon
        b"event:a\ndata: 1\n\n",
        b"event:  a\ndata:  1\n\n",  # a second space belongs to the value
        b"event: \ndata: \n\n",  # empty values
        b"event: a\n\n",  # no data
        b"event: a\nevent: b\ndata: 1\n\n",  # renamed
        b"data: 1\nevent: a\n\n",
        b"event: caf\xc3\xa9\ndata: \xff\n\n",  # a bad byte is replaced
    ],
)
def test_each_event_reads_the_same_one_at_a_time_and_in_the_general_parser(stream: bytes) -> None:
    """Read one at a time, an event as providers write it takes a shorter way: the same
    fields as every line read in turn (a CRLF stream never takes it)."""
    crlf = stream.replace(b"\n", b"\r\n")
    fields = [(e.event, e.data, e.id, e.comments) for e in read_one_at_a_time([stream])]
    assert fields == [(e.event, e.data, e.id, e.comments) for e in parse([crlf])]


_PLAIN = b"event: a\ndata: 1\n\n"  # as providers write their events
_LINES = [
    _PLAIN,
    b"data: 2\n\n",  # as Chat Completions writes its chunks
    b"event: a\n",
    b"data: {}\n",
    b"\n",
    b": c\n",
    b"id: 7\n",
    b"event\n",
    b"x",
]


@given(st.lists(st.sampled_from(_LINES), max_size=24), st.lists(st.integers(0, 200), max_size=6))
@example([_PLAIN, _PLAIN], [])
@example([_PLAIN, b"id: 7\n", _PLAIN, b"\n", _PLAIN], [20])
def test_events_read_one_at_a_time_are_those_fed_whole(lines: list[bytes], cuts: list[int]) -> None:
    """However lines mix (the events providers write, read at once, among them), reading
    one event at a time gives what feeding gives, and feeding in chunks what reading the
    lines one by one gives (a CR makes the parser do that), fields and bytes."""
    stream = b"".join(lines)
    bounds = sorted({min(c, len(stream)) for c in cuts} | {0, len(stream)})
    chunks = [stream[a:b] for a, b in itertools.pairwise(bounds)]
    assert read_one_at_a_time(chunks) == parse([stream]) == parse(chunks)
    line_by_line = parse([b"\r", *chunks])  # a stray CR first: every line read on its own
    assert signature(parse(chunks)) == signature(line_by_line)
