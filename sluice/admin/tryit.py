"""``POST /api/policies/try``: send one prompt through a chain to the configured provider.

The admin server runs the same :class:`~sluice.sidecar.exchange.Exchange` a sidecar worker
runs (request hooks, the streamed or whole response enforcement, refusals in the client's
format), with chains built exactly as the workers build them, and calls the route's
provider directly. Envoy is not on this path, so what it adds is not tried: rate limits,
retries, circuit breaking. In exchange the chain can be any named chain, and even a
proposal not applied yet (``proposal``), without a chain header that a client could also
send. A try is not recorded in the event log and costs one real call to the provider.

Body::

    {"prompt": "...", "route": "/v1/messages", "model": "claude-haiku-4-5",
     "chain": "strict", "stream": true, "system": "...", "api_key": "...",
     "proposal": {"policies": [...], "chains": {...}, "select": [...]}}

Only ``prompt`` is required. ``api_key`` (used for this call only, never stored or logged)
is needed only when the provider has no ``api_key`` in the config file.
"""

from __future__ import annotations

import time
from typing import Any

import aiohttp
from aiohttp import web

from sluice.admin._gateway import (
    Chain,
    ChainSet,
    Exchange,
    Refuse,
    RouteTable,
    chain_for,
    read_response,
)
from sluice.admin.auth import require_admin
from sluice.admin.policies import POLICIES, read_json
from sluice.admin.policies_state import Invalid
from sluice.admin.tryit_wire import (
    TryError,
    TryRequest,
    provider_headers,
    request_body,
    result_json,
)
from sluice.config import GatewayConfig, Route
from sluice.store import client_fingerprint

__all__ = ["tryit_routes"]

TIMEOUT = aiohttp.ClientTimeout(total=300, sock_read=120)


def _chain(chains: ChainSet, asked: TryRequest, path: str) -> Chain:
    if asked.chain is None:
        client = client_fingerprint(asked.api_key) if asked.api_key else None
        return chain_for(chains, path, client=client)
    if asked.chain == "default":
        return chains.default
    if asked.chain not in chains.named:
        known = ", ".join(["default", *chains.named])
        raise TryError(f"chain: unknown chain {asked.chain!r} (known: {known})")
    return chains.named[asked.chain]


def _route(config: GatewayConfig, path: str | None) -> Route:
    for route in config.routes:
        if path in (None, route.path):
            return route
    raise TryError(f"route: no route {path!r} (routes: {', '.join(r.path for r in config.routes)})")


async def _run(config: GatewayConfig, chains: ChainSet, asked: TryRequest) -> dict[str, Any]:
    route = _route(config, asked.route)
    chain = _chain(chains, asked, route.path)
    routes = RouteTable(config.routes, config.providers)
    exchange = Exchange(chains, config.sidecar.keepalive_s)
    await exchange.on_request_headers(routes, {":path": route.path})
    exchange.chain = chain  # the chain asked for, whatever the select rules say
    body = request_body(route.format, asked)
    started = time.perf_counter()
    verdict = await exchange.on_request_body(body)
    timings = {"request_policies": time.perf_counter() - started}
    if isinstance(verdict, Refuse):
        delivered = read_response(route.format, "application/json", verdict.body)
        return result_json(
            chain.name, verdict.status, True, delivered, exchange, timings, verdict.body
        )
    model = asked.model
    provider_name = routes.provider_for_model(route.path, model) or route.provider
    provider = config.providers[provider_name]
    url = str(provider.base_url).rstrip("/") + route.path
    sent = verdict.body if verdict.body is not None else body
    chunks: list[bytes] = []
    async with (
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
        session.post(
            url, data=sent, headers=provider_headers(config, provider_name, route, asked)
        ) as reply,
    ):
        timings["first_byte"] = time.perf_counter() - started
        content_type = reply.headers.get("content-type", "")
        exchange.on_response_headers(reply.status, content_type)
        async for chunk in reply.content.iter_any():
            async for out in exchange.on_response_chunk(chunk, False):
                chunks.append(out)
        async for out in exchange.on_response_chunk(b"", True):
            chunks.append(out)
    timings["total"] = time.perf_counter() - started
    data = b"".join(chunks)
    delivered = read_response(route.format, content_type, data)
    result = result_json(chain.name, reply.status, False, delivered, exchange, timings, data)
    result["provider"] = provider_name
    result["request_modified"] = verdict.body is not None
    return result


async def try_policies(request: web.Request) -> web.Response:
    require_admin(request)
    try:
        asked = TryRequest.parse(await read_json(request))
        state = request.app[POLICIES]
        if asked.proposal is not None:
            config, chains = state.check(asked.proposal)
        else:
            active = await state.active()
            config, chains = active.config, active.chains
        result = await _run(config, chains, asked)
    except TryError as exc:
        return web.json_response({"error": str(exc)}, status=400)
    except Invalid as exc:
        return web.json_response({"error": str(exc), "errors": exc.errors}, status=422)
    except (aiohttp.ClientError, TimeoutError) as exc:
        return web.json_response({"error": f"provider unreachable: {exc!r}"}, status=502)
    return web.json_response(result)


def tryit_routes() -> list[web.RouteDef]:
    return [web.post("/api/policies/try", try_policies)]
