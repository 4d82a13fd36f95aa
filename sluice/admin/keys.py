"""The keys API: Sluice-issued keys for the gateway's clients (admin key only).

    GET  /api/keys                 every key (never the key itself, nor its hash)
    POST /api/keys                 issue one: {"user", "team"?, "models"?, "expires"?,
                                   "tokens_per_day"?, "usd_per_day"?, "usd_per_month"?};
                                   the answer holds the key, once
    POST /api/keys/{id}/revoke     revoke one: refused by every worker within seconds

Keys grant spending on the organisation's provider accounts, so even listing them needs
the admin key; a viewer gets 403. Changes from a browser carry the CSRF token like every
other change (:mod:`sluice.admin.auth`). Keys live in the store: without one, 503.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from sluice.admin.auth import require_admin
from sluice.admin.errors import json_error
from sluice.admin.history import STORE
from sluice.admin.policies import read_json
from sluice.auth.keys import KeyRecord, parse_expiry
from sluice.store import Store
from sluice.store import keys as stored

__all__ = ["NewKey", "key_json", "key_routes", "new_key"]

log = logging.getLogger(__name__)

NAME_MAX = 200
FIELDS = frozenset(
    {"user", "team", "models", "expires", "tokens_per_day", "usd_per_day", "usd_per_month"}
)


def _store(request: web.Request) -> Store:
    require_admin(request)
    if STORE not in request.app:
        raise json_error(web.HTTPServiceUnavailable, "store_url is null: keys need the store")
    return request.app[STORE]


def key_json(key: KeyRecord, now: datetime | None = None) -> dict[str, Any]:
    """A key as the API and the UI show it: who holds it and what it may do."""

    def when(moment: datetime | None) -> str | None:
        return None if moment is None else moment.isoformat()

    return {
        "id": key.id,
        "user": key.user,
        "team": key.team,
        "models": list(key.models),
        "tokens_per_day": key.tokens_per_day,
        "usd_per_day": key.usd_per_day,
        "usd_per_month": key.usd_per_month,
        "expires_at": when(key.expires_at),
        "revoked_at": when(key.revoked_at),
        "created_at": when(key.created_at),
        "last_used_at": when(key.last_used_at),
        "active": key.usable(now or datetime.now(UTC)),
    }


class NewKey(ValueError):
    """A request for a key that cannot be issued; the message names the field."""


def _name(body: dict[str, Any], field: str, *, required: bool) -> str | None:
    value = body.get(field)
    if value in (None, "") and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > NAME_MAX:
        raise NewKey(f"{field}: expected a non-empty string of at most {NAME_MAX} characters")
    return value.strip()


def _dollars(body: dict[str, Any], field: str) -> float | None:
    value = body.get(field)
    if value is None:
        return None
    if type(value) not in (int, float) or not 0 < value < float("inf"):
        raise NewKey(f"{field}: expected an amount of dollars above 0")
    return float(value)


def new_key(body: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The arguments of :func:`sluice.store.keys.create_key` that ``body`` asks for (the
    API's JSON, or the UI's form read the same way); raises :class:`NewKey`."""
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise NewKey(f"{unknown[0]}: unknown field (expected {', '.join(sorted(FIELDS))})")
    models = body.get("models") or []
    if not isinstance(models, list) or not all(isinstance(m, str) and m.strip() for m in models):
        raise NewKey("models: expected a list of model names or patterns such as 'claude-*'")
    budget = body.get("tokens_per_day")
    if budget is not None and (type(budget) is not int or budget <= 0):
        raise NewKey("tokens_per_day: expected a whole number above 0")
    dollars = {field: _dollars(body, field) for field in ("usd_per_day", "usd_per_month")}
    expires = body.get("expires")
    if expires not in (None, "") and not isinstance(expires, str):
        raise NewKey("expires: expected a duration such as 90d or a date such as 2027-01-31")
    try:
        expires_at = parse_expiry(expires, now) if expires else None
    except ValueError as exc:
        raise NewKey(f"expires: {exc}") from None
    return {
        "user": _name(body, "user", required=True),
        "team": _name(body, "team", required=False),
        "models": [m.strip() for m in models],
        "expires_at": expires_at,
        "tokens_per_day": budget,
        **dollars,
    }


async def list_keys(request: web.Request) -> web.Response:
    keys = await stored.list_keys(_store(request))
    return web.json_response({"keys": [key_json(k) for k in keys]})


async def create_key(request: web.Request) -> web.Response:
    store = _store(request)
    try:
        wanted = new_key(await read_json(request), datetime.now(UTC))
    except NewKey as exc:
        raise json_error(web.HTTPBadRequest, str(exc)) from None
    record, secret = await stored.create_key(store, **wanted)
    log.info("admin: key %s issued to %s (team %s)", record.id, record.user, record.team)
    return web.json_response({"key": key_json(record), "secret": secret}, status=201)


async def revoke_key(request: web.Request) -> web.Response:
    store = _store(request)
    key_id = request.match_info["id"]
    if not await stored.revoke_key(store, key_id):
        raise json_error(web.HTTPNotFound, f"no key {key_id!r}")
    log.info("admin: key %s revoked", key_id)
    record = await stored.get_key(store, key_id)
    assert record is not None
    return web.json_response({"key": key_json(record)})


def key_routes() -> list[web.RouteDef]:
    return [
        web.get("/api/keys", list_keys),
        web.post("/api/keys", create_key),
        web.post("/api/keys/{id}/revoke", revoke_key),
    ]
