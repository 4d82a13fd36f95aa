"""The Keys page: issue a Sluice key (shown once, in the answer to the form), list the keys
with their holder, team, models, expiry and last use, revoke one; and who has spent
``limits.alert_at`` of a dollar budget in its current window. Admin key only.

The page and the keys API (:mod:`sluice.admin.keys`) share validation and views. A new key
appears only in the body of the POST's answer (never in a URL, a redirect or a cookie),
and every admin page is sent with ``Cache-Control: no-store``.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from sluice.admin.auth import ROLE, Role
from sluice.admin.history import STORE
from sluice.admin.keys import NewKey, key_json, new_key
from sluice.admin.ui.budgets import LIMITS, dollar_budget_use
from sluice.admin.ui.render import render
from sluice.store import keys as stored

__all__ = ["key_page_routes"]

log = logging.getLogger(__name__)

FORM_FIELDS = ("user", "team", "expires")


def _refused(request: web.Request) -> web.Response | None:
    if request.get(ROLE) is not Role.ADMIN:
        return render(request, "keys.html", status=403, forbidden=True)
    if STORE not in request.app:
        return render(request, "no_store.html", status=503)
    return None


async def _page(request: web.Request, status: int = 200, **context: Any) -> web.Response:
    now = datetime.now(UTC)
    keys = [key_json(k, now) for k in await stored.list_keys(request.app[STORE])]
    context = {"created": None, "error": "", "form": {}, "revoked": None} | context
    limits = request.app.get(LIMITS)
    budgets = await dollar_budget_use(request.app[STORE], limits) if limits else None
    return render(
        request, "keys.html", status=status, forbidden=False, keys=keys, budgets=budgets, **context
    )


async def keys_page(request: web.Request) -> web.Response:
    if (refused := _refused(request)) is not None:
        return refused
    return await _page(request, revoked=request.query.get("revoked") or None)


def _form_body(form: Any) -> dict[str, Any]:
    """The form's fields as the API's JSON body: models split on commas or spaces, the
    daily budget a number (left as typed if it is not one, so the error names it)."""
    body: dict[str, Any] = {f: str(form.get(f, "")).strip() for f in FORM_FIELDS}
    body["models"] = [m for m in re.split(r"[,\s]+", str(form.get("models", ""))) if m]
    budget = str(form.get("tokens_per_day", "")).strip()
    body["tokens_per_day"] = int(budget) if budget.isdigit() else (budget or None)
    for field in ("usd_per_day", "usd_per_month"):
        dollars = str(form.get(field, "")).strip().lstrip("$")
        body[field] = _number(dollars) if dollars else None
    return body


def _number(text: str) -> float | str:
    """A typed amount as a number, or as typed when it is not one (the error names it)."""
    try:
        return float(text)
    except ValueError:
        return text


async def create(request: web.Request) -> web.Response:
    if (refused := _refused(request)) is not None:
        return refused
    form = await request.post()
    body = _form_body(form)
    try:
        wanted = new_key(body, datetime.now(UTC))
    except NewKey as exc:
        fields = (*FORM_FIELDS, "models", "tokens_per_day", "usd_per_day", "usd_per_month")
        typed = {k: str(form.get(k, "")) for k in fields}
        return await _page(request, status=400, error=str(exc), form=typed)
    record, secret = await stored.create_key(request.app[STORE], **wanted)
    log.info("admin: key %s issued to %s (team %s)", record.id, record.user, record.team)
    return await _page(request, created={"key": key_json(record), "secret": secret})


async def revoke(request: web.Request) -> web.Response:
    if (refused := _refused(request)) is not None:
        return refused
    key_id = request.match_info["id"]
    if not await stored.revoke_key(request.app[STORE], key_id):
        return await _page(request, status=404, error=f"no key {key_id!r}")
    log.info("admin: key %s revoked", key_id)
    raise web.HTTPSeeOther(f"/keys?revoked={key_id}")


def key_page_routes() -> list[web.RouteDef]:
    return [
        web.get("/keys", keys_page),
        web.post("/keys", create),
        web.post("/keys/{id}/revoke", revoke),
    ]
