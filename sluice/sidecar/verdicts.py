"""What the sidecar answers Envoy for one exchange, in plain terms (no protobuf): let the
request go on (maybe changed), refuse it, and which response headers to drop. The server
(``sluice.sidecar.server``) turns these into Envoy's messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = [
    "BODY_MAY_CHANGE",
    "CONTINUE",
    "MAX_CHUNK",
    "NO_CHANGES",
    "Continue",
    "Refuse",
    "RequestVerdict",
    "ResponseHeaderChanges",
    "split",
]

# Envoy takes streamed body chunks of at most 64 KiB.
MAX_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class Continue:
    """Let the request go on, with ``body`` replacing the original when not ``None``."""

    body: bytes | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)  # for the rate-limit filters
    # Request header edits (a translated request's auth and version headers).
    set_headers: Mapping[str, str] = field(default_factory=dict)
    remove_headers: tuple[str, ...] = ()
    path: str | None = None  # replaces the request's path upstream (a cloud provider's)


@dataclass(frozen=True, slots=True)
class Refuse:
    """Answer the client now, without calling the provider."""

    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=lambda: {"content-type": "application/json"})


RequestVerdict = Continue | Refuse

CONTINUE = Continue()


@dataclass(frozen=True, slots=True)
class ResponseHeaderChanges:
    """Header edits for the response; ``remove`` names headers to drop, ``set`` gives
    headers (``:status`` included) their value."""

    remove: tuple[str, ...] = ()
    set: tuple[tuple[str, str], ...] = ()


NO_CHANGES = ResponseHeaderChanges()
# A body the sidecar may rewrite must not keep the provider's length.
BODY_MAY_CHANGE = ResponseHeaderChanges(remove=("content-length",))


def split(data: bytes) -> list[bytes]:
    """``data`` in pieces of at most :data:`MAX_CHUNK` bytes (none when empty)."""
    if len(data) <= MAX_CHUNK:
        return [data] if data else []
    return [data[i : i + MAX_CHUNK] for i in range(0, len(data), MAX_CHUNK)]
