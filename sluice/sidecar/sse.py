"""An incremental Server-Sent-Events parser: bytes in, events out, state carried across calls.

The parser follows the WHATWG event-stream grammar: lines end in ``\\r\\n``, ``\\n`` or ``\\r``
(a ``\\r`` that ends one chunk may be followed by the ``\\n`` that starts the next), a blank
line ends an event, ``data:`` lines join with ``\\n``, lines starting with ``:`` are comments,
and a final event without its blank line is still delivered by :meth:`SSEParser.close`.

Every byte fed comes back in exactly one event's ``raw``, in order, so a stream can be passed
on byte-for-byte even when some events are rewritten::

    parser = SSEParser()
    events = parser.feed(b"event: ping\\ndata: {}\\n\\nda")
    assert events[0].event == "ping" and events[0].data == "{}"
    assert parser.feed(b"ta: x\\n\\n")[0].raw == b"data: x\\n\\n"
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SSEEvent", "SSEParser", "encode_event"]

_LINE_END = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class SSEEvent:
    """One event of a stream.

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

    __slots__ = ("_buf", "_comments", "_data", "_event", "_id", "_pos", "_skip_lf")

    def __init__(self) -> None:
        self._buf = bytearray()
        self._pos = 0  # start of the first line of ``_buf`` not yet read
        self._skip_lf = False  # the last chunk ended in CR: an LF starting the next is its pair
        self._reset()

    def _reset(self) -> None:
        self._event: str | None = None
        self._data: list[str] | None = None
        self._id: str | None = None
        self._comments: list[str] = []

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        """Add ``chunk`` and return the events it completed, in order."""
        self._buf += chunk
        if self._pos == 0 and not self._skip_lf and b"\r" not in self._buf:
            return self._drain_lf()
        return self._drain(final=False)

    def _drain_lf(self) -> list[SSEEvent]:
        """The common case, LF line ends only and no event begun: cut whole events at
        ``\\n\\n`` and leave an unfinished one unread (same events as :meth:`_drain`)."""
        buf = self._buf
        events: list[SSEEvent] = []
        start = 0
        while (end := buf.find(b"\n\n", start)) != -1:
            for line in buf[start:end].split(b"\n"):
                if line:
                    self._field(bytes(line))
            events.append(self._make(bytes(buf[start : end + 2])))
            start = end + 2
        if start:
            del buf[:start]
        return events

    def close(self) -> list[SSEEvent]:
        """End of stream: deliver what remains, even without its closing blank line."""
        events = self._drain(final=True)
        if self._pos < len(self._buf):
            self._field(bytes(self._buf[self._pos :]))  # last line, with no line end
        if self._buf:
            events.append(self._dispatch(len(self._buf)))
        return events

    def _drain(self, *, final: bool) -> list[SSEEvent]:
        events: list[SSEEvent] = []
        buf = self._buf
        while True:
            if self._skip_lf:
                if self._pos == len(buf):
                    return events
                self._skip_lf = False
                if buf[self._pos] == 0x0A:  # the LF of a CRLF split across chunks
                    self._pos += 1
            match = _LINE_END.search(buf, self._pos)
            if match is None:
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
        self._pos = 0  # a pending LF of a split CRLF now leads the next event's raw bytes
        return self._make(raw)

    def _make(self, raw: bytes) -> SSEEvent:
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
