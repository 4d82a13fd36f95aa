"""Google Vertex AI behind an Anthropic Messages route: the request and error adapters.

Vertex AI takes the Messages body with the model in the path
(``/v1/projects/{p}/locations/{r}/publishers/anthropic/models/{model}:rawPredict``, or
``:streamRawPredict`` for a stream) and ``anthropic_version: vertex-2023-10-16`` in the body
instead of ``model``. Its stream is Anthropic's own SSE, read as it is. Its errors are
Anthropic's when the model answered, Google's (``{"error": {"code", "message",
"status"}}``) when Vertex itself refused (token, quota, project); :class:`VertexError` turns
the latter into Anthropic's. The access token is Envoy's to add (``sluice.envoy.keys``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sluice.config.cloud import VertexConfig
from sluice.sidecar.formats.anthropic import error_body, error_type

__all__ = [
    "VERTEX_VERSION",
    "VertexError",
    "VertexRequest",
    "adapt_vertex_request",
    "from_vertex_client",
]

VERTEX_VERSION = "vertex-2023-10-16"
_MAX_ERROR_BODY = 64 * 1024


@dataclass(frozen=True, slots=True)
class VertexRequest:
    """What goes to Vertex AI instead of the client's request."""

    body: bytes
    path: str


def adapt_vertex_request(config: VertexConfig, body: bytes) -> VertexRequest:
    """The Vertex AI request for an Anthropic Messages ``body`` (already read and approved).

    >>> config = VertexConfig(project="acme", region="us-east5")
    >>> adapted = adapt_vertex_request(config, b'{"model": "claude-haiku-4-5-20251001"}')
    >>> adapted.path
    '/v1/projects/acme/locations/us-east5/publishers/anthropic/models/claude-haiku-4-5@20251001:rawPredict'
    >>> adapted.body
    b'{"anthropic_version":"vertex-2023-10-16"}'
    """
    data = json.loads(body)
    model = data.pop("model", "")
    stream = data.get("stream") is True  # Vertex keeps "stream" in the body
    data["anthropic_version"] = VERTEX_VERSION
    path = config.path(model if isinstance(model, str) else "", stream)
    encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return VertexRequest(encoded, path)


def from_vertex_client(path: str, body: bytes) -> bytes:
    """The Anthropic Messages body of a request a client in Vertex AI mode sent to ``path``
    (``.../models/MODEL:rawPredict``): the model from the path, no ``anthropic_version``.
    Raises ``ValueError`` for a body that is not a JSON object.

    >>> path = "/v1/projects/p/locations/global/publishers/anthropic/models/claude-x@1:rawPredict"
    >>> from_vertex_client(path, b'{"anthropic_version": "vertex-2023-10-16"}')
    b'{"model":"claude-x@1"}'
    """
    data = json.loads(body)
    if not isinstance(data, dict):
        raise ValueError("the request body is not a JSON object")
    data.pop("anthropic_version", None)
    model = path.partition("?")[0].rpartition("/models/")[2].rpartition(":")[0]
    data = {"model": model, **data}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


class VertexError:
    """A whole Vertex AI error response, read to its end, then written as Anthropic's error
    (an Anthropic error body passes unchanged). The status is kept."""

    __slots__ = ("_body", "status")

    def __init__(self, status: int) -> None:
        self.status = status
        self._body = bytearray()

    def feed(self, data: bytes) -> bytes:
        room = _MAX_ERROR_BODY - len(self._body)
        if room > 0:
            self._body += data[:room]
        return b""

    def close(self) -> bytes:
        raw = bytes(self._body)
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict) and parsed.get("type") == "error":
            return raw  # the model's own (Anthropic) error
        message = raw.decode(errors="replace").strip()
        error = parsed.get("error") if isinstance(parsed, dict) else None
        if isinstance(error, dict):
            message = f"Vertex AI {error.get('status', '')}: {error.get('message', '')}"
        elif isinstance(parsed, list) and parsed and isinstance(parsed[0], dict):
            inner = parsed[0].get("error", {})  # some endpoints wrap it in a list
            message = f"Vertex AI {inner.get('status', '')}: {inner.get('message', '')}"
        code = self.status if 400 <= self.status < 600 else 502
        return error_body(code, error_type(code), message)
