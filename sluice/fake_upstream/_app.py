"""The aiohttp application: routes, request recording, and the format-neutral handler."""

from __future__ import annotations

import asyncio
import functools
import json
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from ._anthropic import AnthropicMessages
from ._bedrock import bedrock_invoke
from ._directives import read_request
from ._errors import ErrorKind, InvalidRequest
from ._failures import FAILURES
from ._ids import Ids
from ._openai_chat import ChatCompletions
from ._openai_responses import Responses
from ._record import RecordedRequest, RequestLog
from ._scripts import SCRIPT_NAMES
from ._shaping import deliver
from ._usage import count_input_tokens, tally
from ._vertex import VERTEX_TOKENS, issue_token, vertex_predict
from ._wire import JSON, Turn, WireFormat, render

__all__ = ["REQUEST_LOG", "create_app"]

REQUEST_LOG = web.AppKey("request_log", RequestLog)
"""The app's record of received requests: ``app[REQUEST_LOG].last.json()``."""

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_ANTHROPIC = AnthropicMessages()
_CHAT = ChatCompletions()
# Coding agents send megabytes once a conversation grows; aiohttp's default limit is 1 MiB.
_MAX_BODY = 64 * 1024 * 1024
_RETRY_AFTER_SECONDS = "1"
_MODELS = ("claude-opus-5", "claude-sonnet-5", "claude-haiku-5-5", "gpt-5.5", "gpt-5.4-mini")


def create_app(*, history: int = 100) -> web.Application:
    """The fake upstream as an aiohttp application; it records the last ``history`` requests.

    Serve it with ``FakeUpstream`` (tests) or ``python -m sluice.fake_upstream``.
    """
    app = web.Application(
        middlewares=[_record, _compress, _json_not_found], client_max_size=_MAX_BODY
    )
    app[REQUEST_LOG] = RequestLog(history)
    app[FAILURES] = {}
    app.router.add_post("/v1/messages", _endpoint(_ANTHROPIC))
    app.router.add_post("/v1/messages/count_tokens", _count_tokens)
    app.router.add_post("/v1/chat/completions", _endpoint(_CHAT))
    responses = _endpoint(Responses())
    app.router.add_post("/v1/responses", responses)
    # Azure OpenAI's v1 API: the same two endpoints under /openai.
    app.router.add_post("/openai/v1/chat/completions", _endpoint(_CHAT))
    app.router.add_post("/openai/v1/responses", responses)
    # AWS Bedrock's runtime API for Claude (SigV4-signed; see _bedrock).
    app.router.add_post(
        r"/model/{model}/{action:invoke|invoke-with-response-stream}", bedrock_invoke
    )
    # Google Vertex AI for Claude, and the OAuth token endpoint of its service accounts.
    app[VERTEX_TOKENS] = []
    app.router.add_post("/token", issue_token)
    app.router.add_post(
        "/v1/projects/{project}/locations/{region}/publishers/anthropic/models/{tail}",
        vertex_predict,
    )
    app.router.add_get("/v1/models", _models)
    app.router.add_get("/", _probe)  # also answers HEAD, Claude Code's connectivity probe
    app.router.add_get("/_fake/requests", _list_requests)
    app.router.add_delete("/_fake/requests", _clear_requests)
    return app


@web.middleware
async def _record(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith("/_fake/"):
        body = await request.read()  # aiohttp keeps it: the handler reads it again for free
        headers = tuple((key, value) for key, value in request.headers.items())
        entry = RecordedRequest(request.method, request.raw_path, headers, body)
        request.app[REQUEST_LOG].append(entry)
    return await handler(request)


@web.middleware
async def _compress(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Gzip JSON replies when the client accepts it, as the providers do. A gateway that
    must read bodies has to strip ``accept-encoding``; here, forgetting it shows."""
    response = await handler(request)
    accepted = request.headers.get("accept-encoding", "")
    if isinstance(response, web.Response) and response.body and "gzip" in accepted:
        response.enable_compression(web.ContentCoding.gzip)
    return response


@web.middleware
async def _json_not_found(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer an unknown path in JSON, in the caller's format, as the providers do."""
    try:
        return await handler(request)
    except web.HTTPNotFound:
        ids = _ids(request, await request.read())
        if _speaks_anthropic(request):
            return _error(_ANTHROPIC, ErrorKind.NOT_FOUND, _ANTHROPIC.new_request_id(ids))
        detail = InvalidRequest(f"Invalid URL ({request.method} {request.path})")
        return _error(_CHAT, ErrorKind.NOT_FOUND, _CHAT.new_request_id(ids), detail)


def _speaks_anthropic(request: web.Request) -> bool:
    return "anthropic-version" in request.headers or "x-api-key" in request.headers


def _endpoint(wire: WireFormat) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        ids = _ids(request, raw)
        request_id = wire.new_request_id(ids)
        try:
            body = wire.parse(raw)
            directives = read_request(request, body.get("model"), body)
        except InvalidRequest as exc:
            return _error(wire, ErrorKind.INVALID_REQUEST, request_id, exc)
        if directives.delay_ms:
            await asyncio.sleep(directives.delay_ms / 1000)
        script = directives.script
        if script.error is not None:
            return _error(wire, script.error, request_id)
        turn = Turn(
            body,
            script,
            tally(raw, script),
            ids,
            request_id,
            int(time.time()),
            directives.personality,
        )
        headers = {wire.request_id_header: request_id}
        label = directives.content_type
        if body.get("stream") is not True:
            if label is not None:  # a mislabelled body, as a broken (or hostile) upstream sends
                message = _dumps(wire.message(turn)).encode()
                return web.Response(body=message, headers=headers | {"content-type": label})
            return _json(wire.message(turn), headers=headers)

        events, complete = render(script, wire.encoder(turn))
        label = label or "text/event-stream; charset=utf-8"
        headers |= {"content-type": label, "cache-control": "no-cache"}
        response = web.StreamResponse(headers=headers)
        await response.prepare(request)
        try:
            await deliver(response, directives.shaping.writes(events), directives.shaping.pace_ms)
        except ConnectionResetError:
            return response  # the client stopped reading, as a gateway does when it blocks
        if not complete:
            _drop_connection(request)
        return response

    return handle


def _ids(request: web.Request, body: bytes) -> Ids:
    return Ids.for_request(request.method, request.raw_path, body, request.headers)


def _drop_connection(request: web.Request) -> None:
    """End the connection without the chunked terminator: the client sees a truncated body."""
    transport = request.transport
    if transport is not None:
        transport.close()  # close(), not abort(): what was written must still arrive


async def _count_tokens(request: web.Request) -> web.StreamResponse:
    raw = await request.read()
    request_id = _ANTHROPIC.new_request_id(_ids(request, raw))
    try:
        _ANTHROPIC.parse(raw, count_tokens=True)
    except InvalidRequest as exc:
        return _error(_ANTHROPIC, ErrorKind.INVALID_REQUEST, request_id, exc)
    tokens = count_input_tokens(raw)
    return _json({"input_tokens": tokens}, headers={"request-id": request_id})


async def _models(request: web.Request) -> web.StreamResponse:
    """The model list, in Anthropic's shape when the caller speaks Anthropic."""
    names = [*_MODELS, *SCRIPT_NAMES]
    models: list[JSON]
    if _speaks_anthropic(request):
        models = [
            {
                "type": "model",
                "id": name,
                "display_name": name.replace("-", " ").title(),
                "created_at": "2025-09-29T00:00:00Z",
            }
            for name in names
        ]
        page = {"data": models, "has_more": False, "first_id": names[0], "last_id": names[-1]}
        return _json(page)
    created = 1_727_568_000
    models = [
        {"id": name, "object": "model", "created": created, "owned_by": "system"} for name in names
    ]
    return _json({"object": "list", "data": models})


async def _probe(request: web.Request) -> web.StreamResponse:
    return web.Response()


async def _list_requests(request: web.Request) -> web.StreamResponse:
    return _json([entry.to_json() for entry in request.app[REQUEST_LOG]])


async def _clear_requests(request: web.Request) -> web.StreamResponse:
    request.app[REQUEST_LOG].clear()
    return web.Response(status=204)


def _error(
    wire: WireFormat, kind: ErrorKind, request_id: str, detail: InvalidRequest | None = None
) -> web.Response:
    status, body = wire.error(kind, request_id, detail)
    headers = {wire.request_id_header: request_id}
    if kind is ErrorKind.RATE_LIMIT:
        headers["retry-after"] = _RETRY_AFTER_SECONDS
    return _json(body, status=status, headers=headers)


_dumps = functools.partial(json.dumps, ensure_ascii=False)


def _json(
    body: JSON | list[JSON], *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.json_response(body, status=status, headers=headers, dumps=_dumps)
