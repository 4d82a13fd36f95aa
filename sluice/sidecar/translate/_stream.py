"""What every stream translator shares: reading the upstream's events one at a time, and
writing the client's.

A translator subclasses :class:`StreamTranslator` and says what one upstream event becomes
(:meth:`~StreamTranslator.read`) and what the upstream's end adds
(:meth:`~StreamTranslator.end`); splitting the bytes into events and joining the client's
events back into bytes happen here, once::

    class Upper(StreamTranslator):
        def read(self, data):
            return [] if data is None else [data_event(data.upper())]

        def end(self):
            return []

    Upper().feed(b"data: hi\\n\\n")   # b"data: HI\\n\\n"
"""

from __future__ import annotations

import json
from typing import Any

from sluice.sidecar.sse import SSEEvent, SSEParser, encode_event

__all__ = ["StreamTranslator", "data_event", "dump", "dump_str", "named_event"]


def dump(obj: Any) -> str:
    """``obj`` as compact JSON, non-ASCII kept, as the providers write it."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


dump_str = json.JSONEncoder(ensure_ascii=False).encode  # one string, as :func:`dump` would


def named_event(name: str, data: str) -> SSEEvent:
    """An event with an ``event:`` line (Anthropic's and Responses' streams)."""
    if "\n" in data:  # not from json.dumps: one data line per line
        return SSEEvent(encode_event(data, name), name, data)
    return SSEEvent(f"event: {name}\ndata: {data}\n\n".encode(), name, data)


def data_event(data: str) -> SSEEvent:
    """An event of one ``data:`` line and no name (Chat Completions' chunks)."""
    return SSEEvent(f"data: {data}\n\n".encode(), None, data)


class StreamTranslator:
    """Bytes of the upstream's stream in (split anywhere), the client's events out."""

    def __init__(self) -> None:
        self._parser = SSEParser()

    def feed(self, chunk: bytes) -> bytes:
        """The client's bytes for the complete events in ``chunk``."""
        return b"".join(event.raw for event in self.events(chunk))

    def close(self) -> bytes:
        """The upstream ended: the client's remaining bytes."""
        return b"".join(event.raw for event in self.close_events())

    def events(self, chunk: bytes) -> list[SSEEvent]:
        """The client's events for the complete events in ``chunk``, already parsed."""
        out: list[SSEEvent] = []
        for event in self._parser.feed(chunk):
            out += self.read(event.data)
        return out

    def close_events(self) -> list[SSEEvent]:
        """As :meth:`close`, parsed."""
        out: list[SSEEvent] = []
        for event in self._parser.close():
            out += self.read(event.data)
        return out + self.end()

    def read(self, data: str | None) -> list[SSEEvent]:
        """The client's events for one upstream event's ``data`` (``None``: a comment)."""
        raise NotImplementedError

    def end(self) -> list[SSEEvent]:
        """The upstream ended after the events read: what the client still needs (an
        error when the stream was cut short)."""
        raise NotImplementedError
