"""Clients in Bedrock mode (Claude Code with ``CLAUDE_CODE_USE_BEDROCK``, the SDKs'
``AnthropicBedrock``): their request read as Anthropic's, the answer framed as Bedrock's.

The gateway reads such a request as an Anthropic Messages exchange (model from the path,
``stream`` from the action) so that the chain runs as on ``/v1/messages``; the Bedrock
provider's adapter (``sluice.sidecar.bedrock``) then sends it on. The stream the chain
produced (Anthropic SSE) is framed again as Bedrock's event stream by
:class:`EventStreamFramer`.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import unquote

from sluice.sidecar.eventstream import encode_message
from sluice.sidecar.sse import SSEEvent, SSEParser

__all__ = ["EventStreamFramer", "from_bedrock_client"]


def from_bedrock_client(path: str, body: bytes) -> bytes:
    """The Anthropic Messages body of a request a client in Bedrock mode sent to ``path``
    (``/model/ID/invoke`` or ``/invoke-with-response-stream``): the model id from the path,
    ``stream`` from the action, no ``anthropic_version``. Raises ``ValueError`` for a body
    that is not a JSON object.

    >>> from_bedrock_client("/model/x%3A0/invoke-with-response-stream", b'{"max_tokens": 1}')
    b'{"model":"x:0","max_tokens":1,"stream":true}'
    """
    data = json.loads(body)
    if not isinstance(data, dict):
        raise ValueError("the request body is not a JSON object")
    data.pop("anthropic_version", None)
    _, model, action = path.partition("?")[0].split("/")[1:4]
    data = {"model": unquote(model), **data}
    if action == "invoke-with-response-stream":
        data["stream"] = True
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


_CHUNK_HEADERS = {
    ":event-type": "chunk",
    ":content-type": "application/json",
    ":message-type": "event",
}
_ERROR_EXCEPTIONS = {
    "rate_limit_error": "throttlingException",
    "overloaded_error": "serviceUnavailableException",
    "invalid_request_error": "validationException",
}


class EventStreamFramer:
    """The Anthropic SSE stream in, Bedrock's event stream out: for clients in Bedrock mode.

    Each event becomes a ``chunk`` message carrying its JSON in base64; an ``error`` event
    becomes an exception message; SSE comments (keepalives) have no equivalent and are
    dropped.
    """

    __slots__ = ("_parser",)

    def __init__(self) -> None:
        self._parser = SSEParser()

    def feed(self, data: bytes) -> bytes:
        return self._frames(self._parser.feed(data))

    def close(self) -> bytes:
        return self._frames(self._parser.close())

    @staticmethod
    def _frames(events: list[SSEEvent]) -> bytes:
        out = bytearray()
        for event in events:
            if event.data is None:
                continue
            if event.event == "error":
                try:
                    error = json.loads(event.data)["error"]
                    kind, message = str(error["type"]), str(error["message"])
                except (ValueError, KeyError, TypeError):
                    kind, message = "api_error", event.data
                headers = {
                    ":exception-type": _ERROR_EXCEPTIONS.get(kind, "internalServerException"),
                    ":content-type": "application/json",
                    ":message-type": "exception",
                }
                out += encode_message(headers, json.dumps({"message": message}).encode())
                continue
            encoded = base64.b64encode(event.data.encode()).decode()
            out += encode_message(_CHUNK_HEADERS, b'{"bytes":"' + encoded.encode() + b'"}')
        return bytes(out)
