"""An incremental Server-Sent-Events parser: bytes in, events out, state carried across calls.

The parser follows the WHATWG event-stream grammar: lines end in ``\\r\\n``, ``\\n`` or ``\\r``
(a ``\\r`` that ends one chunk may be followed by the ``\\n`` that starts the next), a blank
line ends an event, ``data:`` lines join with ``\\n``, lines starting with ``:`` are comments,
and a final event without its blank line is still delivered by :meth:`SSEParser.close`
(unless the caller drops it, as a client does).

Every byte fed comes back in exactly one event's ``raw``, in order, so a stream can be passed
on byte-for-byte even when some events are rewritten::

    parser = SSEParser()
    events = parser.feed(b"event: ping\\ndata: {}\\n\\nda")
    assert events[0].event == "ping" and events[0].data == "{}"
    assert parser.feed(b"ta: x\\n\\n")[0].raw == b"data: x\\n\\n"

The work is linear in the input: each byte is searched for a line end once, however the
stream is cut into chunks (a huge event fed a few bytes at a time is not rescanned from its
start). With ``max_event``, an event larger than that many bytes raises
:class:`EventTooLarge` instead of growing the buffer further.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

__all__ = ["EventTooLarge", "SSEEvent", "SSEParser", "encode_event"]

_LINE_END = re.compile(rb"\r\n|\r|\n")
# What providers write: one ``data:`` line, after one ``event:`` line or none (LF streams
# have no CR).
_PLAIN = re.compile(rb"(?:event: ([^\n]*)\n)?data: ([^\n]*)\n\n")


class EventTooLarge(ValueError):
    """An event (read so far) is larger than the parser's ``max_event``."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"an event of {size} bytes or more, over the limit of {limit} bytes")
        self.size = size
        self.limit = limit


class SSEEvent(NamedTuple):
    """One event of a stream (a named tuple: made for every event, it is built three times
    faster than a frozen dataclass).

    ``data`` is ``None`` when the event had no ``data:`` line: a comment such as
    ``: keepalive``, or only stray line ends (the LF of a CRLF split across chunks after an
    event was already delivered), which a client ignores. ``raw`` holds the exact bytes it
    was read from, its terminating blank line included.
    """

    raw: bytes
    event: str | None = None
    data: str | None = None
    id: str | None = None
    comments: tuple[str, ...] = ()


class SSEParser:
    """Splits a byte stream into :class:`SSEEvent` objects; see the module docstring."""

    __slots__ = (
        "_buf",
        "_comments",
        "_cr",
        "_data",
        "_event",
        "_id",
        "_max_event",
        "_pos",
        "_scan",
        "_skip_lf",
        "_start",
    )

    def __init__(self, *, max_event: int | None = None) -> None:
        """``max_event``: the largest event accepted, in bytes (``None``: no limit)."""
        self._buf = bytearray()
        self._pos = 0  # start of the first line of ``_buf`` not yet read
        self._start = 0  # LF streams read event by event: where the next event starts
        # Bytes of ``_buf`` already searched for an event end (LF streams) or a line end
        # (others) without finding one: the next search starts there, not at the start.
        self._scan = 0
        self._cr = False  # a CR was seen: lines are read one by one from then on
        self._skip_lf = False  # the last chunk ended in CR: an LF starting the next is its pair
        self._max_event = max_event
        self._reset()

    def _reset(self) -> None:
        self._event: str | None = None
        self._data: list[str] | None = None
        self._id: str | None = None
        self._comments: list[str] = []

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        """Add ``chunk`` and return the events it completed, in order."""
        self.add(chunk)
        self._compact()
        events = self._drain(final=False) if self._cr else self._drain_lf()
        self._check_size()
        return events

    def add(self, chunk: bytes) -> None:
        """Add ``chunk`` without reading it: :meth:`next_event` reads the events it
        completes one at a time, so that a caller may :meth:`skim` between two."""
        self._buf += chunk
        if not self._cr and b"\r" in chunk:
            self._compact()
            self._cr = True
            self._scan = 0  # line by line from the event's start: nothing of it is read yet

    def next_event(self) -> SSEEvent | None:
        """The next event complete in what was added, or ``None`` (then raises
        :class:`EventTooLarge` if the unfinished rest is over the bound)."""
        if self._cr:
            events = self._drain(final=False, one=True)
            event = events[0] if events else None
        elif self._start == len(self._buf):  # nothing unread (as after most chunks)
            self._buf.clear()
            self._start = self._scan = 0
            return None
        else:
            event = self._next_lf()
        if event is None:
            self._compact()
            self._check_size()
        return event

    def _next_lf(self) -> SSEEvent | None:
        buf, start = self._buf, self._start
        # What providers write is read at once (nothing is ever pending between two events
        # read here), tried only at an event's first look: an unfinished one is not rescanned.
        if self._scan <= start and (plain := _PLAIN.match(buf, start)) is not None:
            self._start = self._scan = plain.end()
            return self._plain(plain)
        # A blank line may straddle what was searched and what was added: step back one.
        end = buf.find(b"\n\n", max(self._scan - 1, start))
        if end == -1:
            self._scan = len(buf)
            return None
        raw = bytes(buf[start : end + 2])
        self._start = self._scan = end + 2
        for line in raw[:-2].split(b"\n"):
            if line:
                self._field(line)
        return self._make(raw)

    def _plain(self, plain: re.Match[bytes]) -> SSEEvent:
        """The event ``plain`` (a match of ``_PLAIN``) holds."""
        raw, name = plain[0], plain[1]
        if self._max_event is not None and len(raw) > self._max_event:
            raise EventTooLarge(len(raw), self._max_event)
        data = plain[2].decode(errors="replace")
        return SSEEvent(raw, None if name is None else name.decode(errors="replace"), data)

    def _compact(self) -> None:
        """Drop the events read one at a time from the buffer."""
        if self._start:
            del self._buf[: self._start]
            self._scan = max(self._scan - self._start, 0)
            self._start = 0

    def _check_size(self) -> None:
        if self._max_event is not None and len(self._buf) > self._max_event:
            raise EventTooLarge(len(self._buf), self._max_event)

    def skim(self, chunk: bytes, unread: Callable[[bytes | bytearray, int], int]) -> bytes:
        """For a caller that need not read some events: add ``chunk``, then take the whole
        events at the start of what is unread that ``unread`` says need no reading, as
        bytes, unparsed (``b""`` when none; in a stream with CR line ends, always none;
        ``chunk`` itself when all of it was taken where it is, nothing left unread).
        ``unread(buffer, start)`` returns where those events end (``start`` if none); what
        it covers is taken, so it is asked once about each position (it may keep count of
        what it let through). An event taken that is over ``max_event`` raises
        :class:`EventTooLarge`, as reading it would. The rest is left to
        :meth:`next_event` (or :meth:`feed`)."""
        buf = self._buf
        if chunk:  # (none: what was added before, from where reading stopped)
            if self._start == len(buf) and not self._cr and b"\r" not in chunk:
                # Nothing unread before it, the usual case: ``chunk`` is read where it is.
                end = unread(chunk, 0)
                self._check_taken(chunk, 0, end)
                buf.clear()
                self._start = self._scan = 0
                if end == len(chunk):
                    return chunk
                buf += memoryview(chunk)[end:]
                return chunk[:end]
            self.add(chunk)
        start = self._start
        if self._cr or start == len(buf):
            return b""
        end = unread(buf, start)
        if end == start:
            return b""
        self._check_taken(buf, start, end)
        taken = bytes(buf[start:end])
        self._start, self._scan = end, max(self._scan, end)
        if end == len(buf):  # all read: the buffer starts afresh
            buf.clear()
            self._start = self._scan = 0
        return taken

    def _check_taken(self, data: bytes | bytearray, start: int, end: int) -> None:
        """Raise :class:`EventTooLarge` if an event of those from ``start`` to ``end`` is
        over the bound (looked for only when all of them together are)."""
        limit = self._max_event
        if limit is None or end - start <= limit:
            return
        while start < end:  # (each event taken ends in a blank line)
            found = data.find(b"\n\n", start, end)
            stop = end if found == -1 else found + 2
            if stop - start > limit:
                raise EventTooLarge(stop - start, limit)
            start = stop

    @property
    def drained(self) -> bool:
        """Whether everything added was read: :meth:`close` would return no event."""
        return (
            not self._cr
            and self._start == len(self._buf)
            and self._event is None
            and self._data is None
            and self._id is None
            and not self._comments
        )

    def holds_event(self) -> bool:
        """Whether what is unread holds a whole event (after :meth:`skim`: one it left,
        for :meth:`feed` or :meth:`next_event` to read)."""
        return self._buf.find(b"\n\n", max(self._scan - 1, self._start)) != -1

    def _drain_lf(self) -> list[SSEEvent]:
        """The common case, LF line ends only: cut whole events at ``\\n\\n`` and leave an
        unfinished one unread (same events as :meth:`_drain`)."""
        buf = self._buf
        events: list[SSEEvent] = []
        start = 0
        # A blank line may straddle what was searched and what was added: step back one.
        search = max(self._scan - 1, 0)
        while (end := buf.find(b"\n\n", search)) != -1:
            raw = bytes(buf[start : end + 2])
            if (plain := _PLAIN.fullmatch(raw)) is not None:  # what providers write
                events.append(self._plain(plain))
            else:
                for line in raw[:-2].split(b"\n"):
                    if line:
                        self._field(line)
                events.append(self._make(raw))
            start = search = end + 2
        if start:
            del buf[:start]
        self._scan = len(buf)
        return events

    def close(self, *, unfinished: bool = True) -> list[SSEEvent]:
        """End of stream: deliver what remains, even without its closing blank line
        (``unfinished=False``: an event without it is dropped, as a client drops it at
        the end of a stream, where pending data is discarded)."""
        self._compact()
        if not self._cr:
            self._scan = 0  # the unfinished event's lines are not read yet
        events = self._drain(final=True)
        if not unfinished:
            self._buf.clear()
            self._pos = self._scan = 0
            self._reset()
            return events
        if self._pos < len(self._buf):
            self._field(bytes(self._buf[self._pos :]))  # last line, with no line end
        if self._buf:
            events.append(self._dispatch(len(self._buf)))
        return events

    def _drain(self, *, final: bool, one: bool = False) -> list[SSEEvent]:
        events: list[SSEEvent] = []
        buf = self._buf
        while True:
            if self._skip_lf:
                if self._pos == len(buf):
                    return events
                self._skip_lf = False
                if buf[self._pos] == 0x0A:  # the LF of a CRLF split across chunks
                    self._pos += 1
            match = _LINE_END.search(buf, max(self._pos, self._scan))
            if match is None:
                self._scan = len(buf)
                return events
            start, end = match.span()
            if end == len(buf) and buf[start] == 0x0D and not final:
                # A CR ends the chunk: the line is complete, but an LF may follow it.
                self._skip_lf = True
            line = buf[self._pos : start]
            self._pos = end
            if line:
                self._field(bytes(line))
            else:
                events.append(self._dispatch(end))
                if one:
                    return events
                buf = self._buf

    def _field(self, line: bytes) -> None:
        text = line.decode("utf-8", errors="replace")
        if text.startswith(":"):
            self._comments.append(text[1:].removeprefix(" "))
            return
        name, colon, value = text.partition(":")
        if colon:
            value = value.removeprefix(" ")
        if name == "data":
            if self._data is None:
                self._data = [value]
            else:
                self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self._id = value

    def _dispatch(self, end: int) -> SSEEvent:
        raw = bytes(self._buf[:end])
        del self._buf[:end]
        self._pos = self._scan = 0  # a pending LF of a split CRLF now leads the next event
        return self._make(raw)

    def _make(self, raw: bytes) -> SSEEvent:
        if self._max_event is not None and len(raw) > self._max_event:
            raise EventTooLarge(len(raw), self._max_event)
        event = SSEEvent(
            raw=raw,
            event=self._event,
            data=None if self._data is None else "\n".join(self._data),
            id=self._id,
            comments=tuple(self._comments),
        )
        self._reset()
        return event


def encode_event(data: str, event: str | None = None) -> bytes:
    """Serialise one event with ``\\n`` line ends, one ``data:`` line per line of ``data``."""
    head = f"event: {event}\n" if event is not None else ""
    body = "".join(f"data: {line}\n" for line in data.split("\n"))
    return f"{head}{body}\n".encode()
