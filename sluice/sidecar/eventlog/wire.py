"""How a sidecar worker hands a :class:`Capture` to the event-log writer process.

One frame per capture: a 4-byte length, a 4-byte header length, a JSON header (the small
facts, the decisions, the already-parsed response if any), then the raw bodies back to back
(the request as received, as sent, the response as the provider sent it and as delivered).
The bodies travel as bytes, untouched: no base64, no parsing on the worker. Plain data only:
a frame can describe a capture, never run code. Frames are bounded (``store_frame_bytes``):
the sender never sends a larger one, and the writer reads its length first and skips a
larger one without holding it.
"""

from __future__ import annotations

import dataclasses
import json
import struct
from datetime import datetime
from typing import Any

from sluice.model import Format
from sluice.sidecar.recording import Capture
from sluice.store import Decision, EventKind
from sluice.store.codec import response_from_json, response_to_json

__all__ = ["FrameError", "decode", "encode", "frame_size"]

_LENGTHS = struct.Struct(">II")
_SIZE = struct.Struct(">I")


class FrameError(ValueError):
    """Bytes that are not a frame of this protocol."""


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def encode(capture: Capture) -> bytes:
    """The frame for ``capture`` (its chunk lists are joined: the writer reads them whole)."""
    bodies = [
        capture.request_body,
        capture.request_sent or b"",
        b"".join(capture.response_chunks),
        b"".join(capture.delivered_chunks or ()),
    ]
    lengths = [len(body) for body in bodies]
    header = {
        "id": capture.id,
        "started_at": capture.started_at.isoformat(),
        "format": capture.format.value,
        "backend_format": capture.backend_format and capture.backend_format.value,
        "route": capture.route,
        "provider": capture.provider,
        "client": capture.client,
        "user": capture.user,
        "team": capture.team,
        "key_id": capture.key_id,
        "session_id": capture.session_id,
        "status": capture.status,
        "content_type": capture.content_type,
        "ttft": capture.ttft,
        "duration": capture.duration,
        "refused": capture.refused,
        "complete": capture.complete,
        "sanitized": capture.sanitized,
        "sent": capture.request_sent is not None,
        "delivered": capture.delivered_chunks is not None,
        "response": None if capture.response is None else response_to_json(capture.response),
        "decisions": [
            dataclasses.asdict(d) | {"kind": d.kind.value, "at": _time(d.at)}
            for d in capture.decisions
        ],
        "lengths": lengths,
        "model": capture.model,
        "cost": capture.cost,
        "limit": capture.limit,
        "kept": capture.kept,
        "truncated": capture.truncated,
        "traceparent": capture.traceparent,
    }
    head = json.dumps(header, separators=(",", ":")).encode()
    size = 4 + len(head) + sum(lengths)
    return b"".join([_LENGTHS.pack(size, len(head)), head, *bodies])


def frame_size(prefix: bytes) -> int:
    """How many bytes follow a frame's 4-byte ``prefix`` (compare it with the limit before
    reading them)."""
    (size,) = _SIZE.unpack(prefix)
    if size < 4:
        raise FrameError(f"bad frame length {size}")
    return int(size)


def decode(frame: bytes) -> Capture:
    """The capture a frame (without its first 4 bytes) describes."""
    try:
        (head_len,) = struct.unpack_from(">I", frame)
        header: dict[str, Any] = json.loads(frame[4 : 4 + head_len])
        offset, bodies = 4 + head_len, []
        for length in header["lengths"]:
            bodies.append(frame[offset : offset + length])
            offset += length
        request, sent, response, delivered = bodies
        capture = Capture(
            id=header["id"],
            started_at=datetime.fromisoformat(header["started_at"]),
            format=Format(header["format"]),
            route=header["route"],
            provider=header["provider"],
            request_body=request,
            request_sent=sent if header["sent"] else None,
            backend_format=Format(header["backend_format"])
            if header.get("backend_format")
            else None,
            client=header["client"],
            user=header.get("user"),  # absent from a worker older than the writer
            team=header.get("team"),
            key_id=header.get("key_id"),
            session_id=header["session_id"],
            status=header["status"],
            content_type=header["content_type"],
            response_chunks=[response] if response else [],
            delivered_chunks=[delivered] if header["delivered"] else None,
            response=response_from_json(header["response"]) if header["response"] else None,
            ttft=header["ttft"],
            duration=header["duration"],
            refused=header["refused"],
            complete=header["complete"],
            sanitized=header["sanitized"],
            decisions=[_decision(d) for d in header["decisions"]],
        )
        # Set after construction: the worker cut the bodies already.
        capture.limit, capture.kept = header["limit"], header["kept"]
        capture.model = header["model"]
        capture.traceparent = header.get("traceparent")  # absent from an older worker
        capture.cost = header.get("cost")  # absent from a worker older than the writer
        capture.truncated = {str(part): int(size) for part, size in header["truncated"].items()}
        return capture
    except (AttributeError, KeyError, TypeError, ValueError, struct.error) as exc:
        raise FrameError(f"unreadable capture frame: {exc!r}") from exc


def _decision(data: dict[str, Any]) -> Decision:
    at = data.pop("at")
    kind = EventKind(data.pop("kind"))
    return Decision(**data, kind=kind, at=datetime.fromisoformat(at) if at else None)
