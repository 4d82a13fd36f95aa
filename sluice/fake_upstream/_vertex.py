"""Google Vertex AI for Claude, and the OAuth token endpoint its access tokens come from.

``POST /token`` answers a service account's JWT bearer grant (``grant_type`` =
``urn:ietf:params:oauth:grant-type:jwt-bearer``, ``assertion`` = the signed JWT, whose
claims are checked, not its signature) with a fresh access token. ``POST
/v1/projects/{p}/locations/{r}/publishers/anthropic/models/{model}:rawPredict`` (or
``:streamRawPredict``) takes the Messages body with ``anthropic_version: vertex-2023-10-16``
and no ``model``, and requires ``Authorization: Bearer`` with a token this fake issued
(else Google's 401). The reply and stream are Anthropic's; a rate limit is Google's 429
``RESOURCE_EXHAUSTED``, other errors Anthropic's, as Vertex AI passes them on.
"""

from __future__ import annotations

import base64
import json
import time

from aiohttp import web

from ._anthropic import AnthropicMessages
from ._directives import read_request
from ._errors import ErrorKind, InvalidRequest
from ._ids import Ids
from ._usage import tally
from ._wire import Turn, render

__all__ = ["VERTEX_TOKENS", "issue_token", "vertex_predict"]

VERTEX_TOKENS = web.AppKey("vertex_tokens", list[str])
"""The access tokens issued so far, oldest first."""
_VERSION = "vertex-2023-10-16"
_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
_WIRE = AnthropicMessages()


async def issue_token(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    if form.get("grant_type") != _GRANT:
        return _oauth_error("unsupported_grant_type", "Only the JWT bearer grant is served")
    try:
        claims = _claims(str(form.get("assertion", "")))
    except ValueError:
        return _oauth_error("invalid_grant", "Invalid JWT")
    if "cloud-platform" not in str(claims.get("scope", "")) or not claims.get("iss"):
        return _oauth_error("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
    tokens = request.app[VERTEX_TOKENS]
    token = f"ya29.fake-{len(tokens) + 1}-{int(time.time())}"
    tokens.append(token)
    return web.json_response({"access_token": token, "expires_in": 3599, "token_type": "Bearer"})


async def vertex_predict(request: web.Request) -> web.StreamResponse:
    model, _, action = request.match_info["tail"].partition(":")
    if action not in ("rawPredict", "streamRawPredict"):
        return _google_error(404, "NOT_FOUND", f"Unknown method {action!r}")
    authorization = request.headers.get("authorization", "")
    if authorization.removeprefix("Bearer ") not in request.app[VERTEX_TOKENS]:
        message = "Request had invalid authentication credentials. Expected OAuth 2 access token"
        return _google_error(401, "UNAUTHENTICATED", message)
    raw = await request.read()
    ids = Ids.for_request(request.method, request.raw_path, raw, request.headers)
    request_id = _WIRE.new_request_id(ids)
    try:
        body = _parse(raw, model)
        directives = read_request(request, model, body)
    except InvalidRequest as exc:
        return _google_error(400, "INVALID_ARGUMENT", exc.message)
    script = directives.script
    if script.error is ErrorKind.RATE_LIMIT:
        return _google_error(
            429, "RESOURCE_EXHAUSTED", "Quota exceeded for aiplatform.googleapis.com"
        )
    if script.error is not None:
        status, error = _WIRE.error(script.error, request_id)
        return web.json_response(error, status=status)
    turn = Turn(body, script, tally(raw, script), ids, request_id, int(time.time()))
    if body.get("stream") is not True:
        return web.json_response(_WIRE.message(turn))
    events, complete = render(script, _WIRE.encoder(turn))
    response = web.StreamResponse(headers={"content-type": "text/event-stream; charset=utf-8"})
    await response.prepare(request)
    try:
        for event in events:
            await response.write(event.encode())
    except ConnectionResetError:
        return response
    if not complete and request.transport is not None:
        request.transport.close()
    return response


def _parse(raw: bytes, model: str) -> dict[str, object]:
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise InvalidRequest(f"Invalid JSON payload received. {exc}") from None
    if not isinstance(body, dict):
        raise InvalidRequest("Invalid JSON payload received.")
    if "model" in body:
        raise InvalidRequest("model: Extra inputs are not permitted")
    if body.pop("anthropic_version", None) != _VERSION:
        raise InvalidRequest(f"anthropic_version: must be {_VERSION}")
    body["model"] = model
    return _WIRE.parse(json.dumps(body).encode())


def _claims(jwt: str) -> dict[str, object]:
    parts = jwt.split(".")
    if len(parts) != 3:
        raise ValueError("not a JWT")
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    claims = json.loads(base64.urlsafe_b64decode(payload))
    if not isinstance(claims, dict):
        raise ValueError("claims are not an object")
    return claims


def _oauth_error(error: str, description: str) -> web.Response:
    return web.json_response({"error": error, "error_description": description}, status=400)


def _google_error(status: int, code: str, message: str) -> web.Response:
    body = {"error": {"code": status, "message": message, "status": code}}
    return web.json_response(body, status=status)
