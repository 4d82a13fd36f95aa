"""AWS event-stream framing (``application/vnd.amazon.eventstream``), as Bedrock streams.

Each message is binary::

    total length (u32) | headers length (u32) | prelude CRC32 (u32)
    headers | payload | message CRC32 (u32)

all big-endian; the prelude CRC covers the first 8 bytes, the message CRC everything
before it. A header is a 1-byte name length, the name, a 1-byte type and a typed value
(strings and byte arrays with a 2-byte length). Bedrock's headers are strings:
``:message-type`` (``event``, ``exception`` or ``error``), ``:event-type`` (``chunk``),
``:exception-type``, ``:content-type``.

:class:`EventStreamDecoder` is a pure incremental parser, bytes in and messages out, any
split point; :func:`encode_message` writes one message (for tests and the fake upstream).

>>> decoder = EventStreamDecoder()
>>> frame = encode_message({":event-type": "chunk"}, b'{"bytes": "e30="}')
>>> [m.headers[":event-type"] for m in decoder.feed(frame[:5]) + decoder.feed(frame[5:])]
['chunk']
"""

from __future__ import annotations

import struct
import uuid
import zlib
from collections.abc import Mapping
from typing import NamedTuple

__all__ = ["MAX_MESSAGE", "EventStreamDecoder", "EventStreamError", "Message", "encode_message"]

# AWS caps a payload at 16 MiB; Bedrock's chunks carry one Anthropic event, a few KiB.
MAX_MESSAGE = 16 * 1024 * 1024
_PRELUDE = 12  # total length, headers length, prelude CRC
_MIN_MESSAGE = _PRELUDE + 4  # no headers, no payload, the message CRC
_PRELUDE_STRUCT = struct.Struct(">III")
_CRC_STRUCT = struct.Struct(">I")

HeaderValue = str | bytes | bool | int


class EventStreamError(ValueError):
    """The bytes are not a valid event stream (bad CRC, bad length, unknown header type)."""


class Message(NamedTuple):
    """One event-stream message: its headers (by name) and its payload (a named tuple:
    made for every event, it is built faster than a frozen dataclass)."""

    headers: Mapping[str, HeaderValue]
    payload: bytes

    def header(self, name: str) -> str:
        """The string header ``name``, or ``""`` when absent or not a string."""
        value = self.headers.get(name)
        return value if isinstance(value, str) else ""


class EventStreamDecoder:
    """Incremental decoder: :meth:`feed` bytes as they come, get whole messages back.

    Raises :class:`EventStreamError` on a corrupt message (the stream cannot be resynced)
    or one larger than ``max_message`` bytes; :meth:`close` raises when the stream ended
    inside a message.
    """

    __slots__ = ("_buffer", "_max")

    def __init__(self, max_message: int = MAX_MESSAGE) -> None:
        self._buffer = bytearray()
        self._max = max_message

    def feed(self, data: bytes) -> list[Message]:
        """The messages completed by ``data`` (maybe none)."""
        buffer = self._buffer
        if not buffer:  # the usual case: whole messages, read where they are
            messages, offset = self._read(data)
            if offset < len(data):
                buffer += data[offset:]
            return messages
        buffer += data
        messages, offset = self._read(buffer)
        del buffer[:offset]
        return messages

    def _read(self, data: bytes | bytearray) -> tuple[list[Message], int]:
        """The whole messages at the start of ``data``, and where they end."""
        if isinstance(data, bytes):  # a provider's write: its slices are small copies
            return self._messages(data)
        with memoryview(data) as view:  # slices without copies; released before any del
            return self._messages(view)

    def _messages(self, view: bytes | memoryview) -> tuple[list[Message], int]:
        """:meth:`_read` on bytes or a view of them."""
        messages: list[Message] = []
        offset, size = 0, len(view)
        while size - offset >= _PRELUDE:
            total, headers_length, prelude_crc = _PRELUDE_STRUCT.unpack_from(view, offset)
            if zlib.crc32(view[offset : offset + 8]) != prelude_crc:
                raise EventStreamError("prelude CRC mismatch")
            if total < _MIN_MESSAGE or headers_length > total - _MIN_MESSAGE:
                raise EventStreamError(f"bad lengths: total {total}, headers {headers_length}")
            if total > self._max:
                raise EventStreamError(f"message of {total} bytes exceeds {self._max}")
            end = offset + total
            if size < end:
                break
            (message_crc,) = _CRC_STRUCT.unpack_from(view, end - 4)
            if zlib.crc32(view[offset : end - 4]) != message_crc:
                raise EventStreamError("message CRC mismatch")
            headers_end = offset + _PRELUDE + headers_length
            headers = _cached_headers(bytes(view[offset + _PRELUDE : headers_end]))
            messages.append(Message(headers, bytes(view[headers_end : end - 4])))
            offset = end
        return messages, offset

    def close(self) -> None:
        """The stream ended; raises :class:`EventStreamError` if a message was cut."""
        if self._buffer:
            raise EventStreamError(f"stream ended inside a message ({len(self._buffer)} bytes)")


# A stream repeats the same few header blocks (every chunk's are identical): parse each once.
_HEADER_CACHE: dict[bytes, Mapping[str, HeaderValue]] = {}
_HEADER_CACHE_SIZE = 256


def _cached_headers(data: bytes) -> Mapping[str, HeaderValue]:
    headers = _HEADER_CACHE.get(data)
    if headers is None:
        headers = _headers(data)
        if len(_HEADER_CACHE) >= _HEADER_CACHE_SIZE:
            _HEADER_CACHE.clear()
        _HEADER_CACHE[data] = headers
    return headers


# Fixed-size types: (struct format, size); 0 and 1 are true and false with no value.
_FIXED = {2: (">b", 1), 3: (">h", 2), 4: (">i", 4), 5: (">q", 8), 8: (">q", 8)}


def _headers(data: bytes) -> dict[str, HeaderValue]:
    headers: dict[str, HeaderValue] = {}
    offset = 0
    try:
        while offset < len(data):
            name_length = data[offset]
            name = data[offset + 1 : offset + 1 + name_length].decode()
            offset += 1 + name_length
            kind = data[offset]
            offset += 1
            value: HeaderValue
            if kind in (0, 1):
                value = kind == 0
            elif kind in _FIXED:
                fmt, size = _FIXED[kind]
                (value,) = struct.unpack_from(fmt, data, offset)
                offset += size
            elif kind in (6, 7):
                (length,) = struct.unpack_from(">H", data, offset)
                raw = data[offset + 2 : offset + 2 + length]
                if len(raw) != length:
                    raise EventStreamError("header value runs past the headers")
                value = raw.decode() if kind == 7 else raw
                offset += 2 + length
            elif kind == 9:
                value = str(uuid.UUID(bytes=data[offset : offset + 16]))
                offset += 16
            else:
                raise EventStreamError(f"unknown header type {kind}")
            headers[name] = value
    except (IndexError, struct.error, UnicodeDecodeError, ValueError) as exc:
        if isinstance(exc, EventStreamError):
            raise
        raise EventStreamError(f"malformed headers: {exc}") from exc
    return headers


def encode_message(headers: Mapping[str, str], payload: bytes) -> bytes:
    """One message with string ``headers`` and ``payload``, CRCs computed."""
    encoded = b"".join(
        bytes([len(name.encode())])
        + name.encode()
        + b"\x07"
        + struct.pack(">H", len(value.encode()))
        + value.encode()
        for name, value in headers.items()
    )
    total = _PRELUDE + len(encoded) + len(payload) + 4
    prelude = struct.pack(">II", total, len(encoded))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    body = prelude + encoded + payload
    return body + struct.pack(">I", zlib.crc32(body))
