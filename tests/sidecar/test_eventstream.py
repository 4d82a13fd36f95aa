"""The event-stream decoder: any split point, CRCs checked, sizes bounded."""

from __future__ import annotations

import struct
import zlib

import pytest

from sluice.sidecar.eventstream import EventStreamDecoder, EventStreamError, encode_message

FRAMES = [
    encode_message({":event-type": "chunk", ":message-type": "event"}, b'{"bytes": "e30="}'),
    encode_message({":exception-type": "throttlingException"}, b'{"message": "slow down"}'),
    encode_message({}, b""),
]
STREAM = b"".join(FRAMES)


def test_decodes_every_message_at_every_split_point() -> None:
    for cut in range(len(STREAM) + 1):
        decoder = EventStreamDecoder()
        messages = decoder.feed(STREAM[:cut]) + decoder.feed(STREAM[cut:])
        decoder.close()
        assert [m.header(":event-type") for m in messages] == ["chunk", "", ""]
        assert [m.payload for m in messages] == [
            b'{"bytes": "e30="}',
            b'{"message": "slow down"}',
            b"",
        ]


def test_byte_by_byte() -> None:
    decoder = EventStreamDecoder()
    messages = [m for byte in STREAM for m in decoder.feed(bytes([byte]))]
    assert messages[1].header(":exception-type") == "throttlingException"


def test_typed_headers_are_read() -> None:
    # A header of each fixed type, and a byte array, written by hand.
    headers = (
        b"\x01a\x00"  # true
        + b"\x01b\x04"
        + struct.pack(">i", -7)  # int32
        + b"\x01c\x06"
        + struct.pack(">H", 2)
        + b"\x00\xff"  # bytes
        + b"\x01d\x08"
        + struct.pack(">q", 1_700_000_000_000)  # timestamp
    )
    prelude = struct.pack(">II", 12 + len(headers) + 4, len(headers))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    frame = prelude + headers
    frame += struct.pack(">I", zlib.crc32(frame))
    [message] = EventStreamDecoder().feed(frame)
    assert dict(message.headers) == {"a": True, "b": -7, "c": b"\x00\xff", "d": 1_700_000_000_000}
    assert message.header("b") == ""  # not a string


@pytest.mark.parametrize(
    ("position", "reason"),
    [(9, "prelude CRC"), (20, "message CRC"), (len(FRAMES[0]) - 1, "message CRC")],
)
def test_a_corrupt_byte_is_refused(position: int, reason: str) -> None:
    corrupt = bytearray(FRAMES[0])
    corrupt[position] ^= 0x01
    with pytest.raises(EventStreamError, match=reason):
        EventStreamDecoder().feed(bytes(corrupt))


def test_a_message_over_the_limit_is_refused_before_it_is_buffered() -> None:
    big = encode_message({}, b"x" * 1000)
    with pytest.raises(EventStreamError, match="exceeds 100"):
        EventStreamDecoder(max_message=100).feed(big[:12])


def test_a_stream_cut_inside_a_message_is_an_error() -> None:
    decoder = EventStreamDecoder()
    assert decoder.feed(FRAMES[0][:-3]) == []
    with pytest.raises(EventStreamError, match="inside a message"):
        decoder.close()


def test_impossible_lengths_are_refused() -> None:
    prelude = struct.pack(">II", 8, 0)
    with pytest.raises(EventStreamError, match="bad lengths"):
        EventStreamDecoder().feed(prelude + struct.pack(">I", zlib.crc32(prelude)))
