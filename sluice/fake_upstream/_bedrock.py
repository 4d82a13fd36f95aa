"""AWS Bedrock's runtime API for Claude: ``POST /model/{id}/invoke`` and
``/invoke-with-response-stream``, signed with SigV4.

The body is Anthropic's Messages body with ``anthropic_version: bedrock-2023-05-31`` and
neither ``model`` (it is in the path) nor ``stream``. A stream is
``application/vnd.amazon.eventstream``: one ``chunk`` event per Anthropic event, its payload
``{"bytes": "<base64 of the event's JSON>", "p": "<padding>"}``; the in-stream failure is an
exception frame (``:exception-type: modelStreamErrorException``). Errors are
``{"message": ...}`` with ``x-amzn-errortype``. Every request must be signed with the fake
account's keys (``_sigv4``), else a 403 as AWS sends it.
"""

from __future__ import annotations

import base64
import json
import time
from typing import TYPE_CHECKING
from urllib.parse import unquote

from aiohttp import web

from sluice.sidecar.eventstream import encode_message

from ._anthropic import AnthropicMessages
from ._directives import read_request
from ._errors import ErrorKind, InvalidRequest
from ._ids import Ids
from ._scripts import FaultKind
from ._sigv4 import SignatureProblem, check_sigv4
from ._usage import tally
from ._wire import Turn, render

if TYPE_CHECKING:
    from ._sse import SseEvent

__all__ = ["BEDROCK_REGION", "bedrock_invoke"]

BEDROCK_REGION = "us-east-1"  # the region the fake account's endpoint is in
_VERSION = "bedrock-2023-05-31"
_WIRE = AnthropicMessages()
_ERRORS: dict[ErrorKind, tuple[int, str, str]] = {
    ErrorKind.INVALID_REQUEST: (
        400,
        "ValidationException",
        "Input is too long for requested model.",
    ),
    ErrorKind.RATE_LIMIT: (
        429,
        "ThrottlingException",
        "Too many requests, please wait before trying again.",
    ),
    ErrorKind.SERVER: (
        500,
        "InternalServerException",
        "The system encountered an unexpected error.",
    ),
    ErrorKind.OVERLOADED: (
        503,
        "ServiceUnavailableException",
        "Bedrock is unable to process your request.",
    ),
    ErrorKind.NOT_FOUND: (
        404,
        "ResourceNotFoundException",
        "Could not resolve the foundation model.",
    ),
}


async def bedrock_invoke(request: web.Request) -> web.StreamResponse:
    """The handler of both Bedrock paths."""
    raw = await request.read()
    ids = Ids.for_request(request.method, request.raw_path, raw, request.headers)
    request_id = _WIRE.new_request_id(ids)
    url = f"http://{request.host}{request.raw_path}"
    headers = {key.lower(): value for key, value in request.headers.items()}
    try:
        check_sigv4(request.method, url, headers, raw, region=BEDROCK_REGION, service="bedrock")
    except SignatureProblem as problem:
        return _error(403, problem.exception, problem.message, request_id)
    model = unquote(request.match_info["model"])
    stream = request.match_info["action"] == "invoke-with-response-stream"
    try:
        body = _parse(raw, model)
        directives = read_request(request, model, body)
    except InvalidRequest as exc:
        return _error(400, "ValidationException", exc.message, request_id)
    script = directives.script
    if script.error is not None:
        status, exception, message = _ERRORS[script.error]
        return _error(status, exception, message, request_id)
    turn = Turn(body, script, tally(raw, script), ids, request_id, int(time.time()))
    headers_out = {"x-amzn-requestid": request_id}
    if not stream:
        return web.json_response(_WIRE.message(turn), headers=headers_out)
    events, complete = render(script, _WIRE.encoder(turn))
    headers_out |= {
        "content-type": "application/vnd.amazon.eventstream",
        "x-amzn-bedrock-content-type": "application/json",
    }
    response = web.StreamResponse(headers=headers_out)
    await response.prepare(request)
    failing = script.fault is not None and script.fault.kind is FaultKind.ERROR_EVENT
    try:
        for event in events:
            if failing and event.event == "error":
                await response.write(_exception("modelStreamErrorException", "Model stream failed"))
                break
            await response.write(_chunk(event))
    except ConnectionResetError:
        return response
    if not complete and request.transport is not None:
        request.transport.close()
    return response


def _parse(raw: bytes, model: str) -> dict[str, object]:
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise InvalidRequest(f"Malformed input request: {exc}") from None
    if not isinstance(body, dict):
        raise InvalidRequest("Malformed input request: expected an object")
    for extraneous in ("model", "stream"):
        if extraneous in body:
            raise InvalidRequest(
                f"Malformed input request: #: extraneous key [{extraneous}] is not permitted"
            )
    if body.pop("anthropic_version", None) != _VERSION:
        raise InvalidRequest(f"Malformed input request: anthropic_version must be {_VERSION}")
    body["model"] = model
    return _WIRE.parse(json.dumps(body).encode())


def _chunk(event: SseEvent) -> bytes:
    data = event.data.encode()
    if event.event == "message_stop":  # Bedrock adds its own usage figures here
        stop = json.loads(data)
        stop["amazon-bedrock-invocationMetrics"] = {"inputTokenCount": 1, "outputTokenCount": 1}
        data = json.dumps(stop).encode()
    payload = {"bytes": base64.b64encode(data).decode(), "p": "abcdefghijklmnopqrstuvwxyzABCDE"}
    return encode_message(
        {":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"},
        json.dumps(payload).encode(),
    )


def _exception(name: str, message: str) -> bytes:
    headers = {
        ":exception-type": name,
        ":content-type": "application/json",
        ":message-type": "exception",
    }
    return encode_message(headers, json.dumps({"message": message}).encode())


def _error(status: int, exception: str, message: str, request_id: str) -> web.Response:
    headers = {
        "x-amzn-errortype": f"{exception}:http://internal.amazon.com/coral/com.amazon.bedrock/",
        "x-amzn-requestid": request_id,
    }
    return web.json_response({"message": message}, status=status, headers=headers)
