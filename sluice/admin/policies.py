"""The policies API: see what runs, check a change, apply it everywhere, audit, revert.

    GET  /api/policies                    the chains in force (configs masked, with schemas)
    GET  /api/policies/available          every policy the API may use, with its schema
    GET  /api/policies/select?route=&client=&team=   which chain such a request gets
    POST /api/policies/validate           check a proposal as the workers would
    PUT  /api/policies                    apply a proposal: a new version (admin)
    GET  /api/policies/versions?before=&limit=       the audit log, newest first
    GET  /api/policies/versions/{id}      one version with its config
    POST /api/policies/revert             {"version": N} or {"to": "file"} (admin)

A proposal is ``{"policies": [...], "chains": {...}, "select": [...]}`` as the config file
writes them (plus ``comment`` when applied). Reading and validating need a viewer or
admin key; changes need the admin key. Every POST and PUT body is
``Content-Type: application/json``. Every
worker of every replica polls the store and runs the newest version within about 2 s
(:mod:`sluice.sidecar.policy_source`); the config file stays the baseline.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from sluice.admin._gateway import chain_for
from sluice.admin.auth import ROLE, SESSION, Session, bearer, require_admin
from sluice.admin.errors import json_error
from sluice.admin.policies_state import Invalid, PolicyAdmin
from sluice.admin.policies_view import (
    available_json,
    masked_json,
    settings_diff,
    settings_json,
    version_json,
)
from sluice.policyset import settings_of
from sluice.store import client_fingerprint
from sluice.store.policies import PolicyVersions, StoredVersion

__all__ = ["POLICIES", "append_version", "policy_routes", "read_json"]

POLICIES = web.AppKey("policies", PolicyAdmin)

MAX_PAGE = 200
PROPOSAL_KEYS = frozenset({"policies", "chains", "select", "approvals"})


async def read_json(request: web.Request) -> dict[str, Any]:
    """A change's JSON object body (415 for another content type, 400 if not an object).

    Requiring JSON keeps a cross-site HTML form from posting a change."""
    if request.content_type != "application/json":
        raise json_error(web.HTTPUnsupportedMediaType, "send the body as application/json")
    try:
        body = await request.json()
    except ValueError as exc:
        raise json_error(web.HTTPBadRequest, f"body: not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise json_error(web.HTTPBadRequest, "body: expected a JSON object")
    return body


def _proposal(body: dict[str, Any], *allowed: str) -> dict[str, Any]:
    unknown = sorted(set(body) - PROPOSAL_KEYS - set(allowed))
    if unknown:
        raise json_error(web.HTTPBadRequest, f"{unknown[0]}: unknown key")
    return {key: value for key, value in body.items() if key in PROPOSAL_KEYS}


def _versions(state: PolicyAdmin) -> PolicyVersions:
    if state.versions is None:
        raise json_error(
            web.HTTPServiceUnavailable, "store_url is null: policy versions need the store"
        )
    return state.versions


def _author(request: web.Request) -> tuple[str, str | None]:
    """Who makes a change: the role, and the key's fingerprint (a browser session: its id)."""
    key = bearer(request)
    session = request.get(SESSION)
    if key:
        who: str | None = client_fingerprint(key)
    elif isinstance(session, Session):
        who = f"session:{session.nonce[:12]}"
    else:
        who = None  # a demo without keys
    return str(request[ROLE]), who


async def get_policies(request: web.Request) -> web.Response:
    state = request.app[POLICIES]
    active = await state.active()
    source: dict[str, Any] = {
        "kind": "file" if active.version is None or active.version.config is None else "version",
        "version": version_json(active.version) if active.version else None,
        "refused": version_json(active.refused) if active.refused else None,
    }
    body = {"source": source, **settings_json(active.config, active.chains)}
    return web.json_response(body)


async def get_available(request: web.Request) -> web.Response:
    return web.json_response(available_json(request.app[POLICIES].file_config))


async def get_selection(request: web.Request) -> web.Response:
    route = request.query.get("route", "")
    if not route.startswith("/"):
        raise json_error(web.HTTPBadRequest, "route: expected a request path, e.g. /v1/messages")
    active = await request.app[POLICIES].active()
    chosen = chain_for(
        active.chains,
        route,
        client=request.query.get("client") or None,
        team=request.query.get("team") or None,
    )
    return web.json_response({"chain": chosen.name})


async def validate(request: web.Request) -> web.Response:
    proposal = _proposal(await read_json(request))
    try:
        _, chains = request.app[POLICIES].check(proposal)
    except Invalid as exc:
        return web.json_response({"valid": False, "errors": exc.errors})
    return web.json_response({"valid": True, "errors": [], "chains": ["default", *chains.named]})


async def append_version(
    request: web.Request, action: str, config: dict[str, Any] | None, comment: str, **extra: Any
) -> StoredVersion:
    """Store ``config`` (masked settings; ``None``: the file's) as the version in force,
    authored by the request's role and key, with the diff against what it replaces."""
    state = request.app[POLICIES]
    versions = _versions(state)
    active = await state.active()
    before = masked_json(settings_of(active.config))
    after = masked_json(settings_of(state.build(config)[0]))
    names = (f"version {active.version.id}" if active.version else "config file", action)
    role, key = _author(request)
    return await versions.append(
        action=action,
        config=config,
        author_role=role,
        author_key=key,
        comment=comment,
        diff=settings_diff(before, after, names),
        **extra,
    )


def _comment(body: dict[str, Any]) -> str:
    comment = body.get("comment", "")
    if not isinstance(comment, str) or len(comment) > 2000:
        raise json_error(web.HTTPBadRequest, "comment: expected text of at most 2000 characters")
    return comment


async def apply(request: web.Request) -> web.Response:
    require_admin(request)
    body = await read_json(request)
    proposal = _proposal(body, "comment")
    state = request.app[POLICIES]
    _versions(state)
    try:
        config, _ = state.check(proposal)
    except Invalid as exc:
        raise json_error(web.HTTPUnprocessableEntity, str(exc), errors=exc.errors) from None
    stored = masked_json(settings_of(config))  # what was sent, secrets as masks
    version = await append_version(request, "apply", stored, _comment(body))
    return web.json_response({"version": version_json(version)})


async def revert(request: web.Request) -> web.Response:
    require_admin(request)
    body = await read_json(request)
    versions = _versions(request.app[POLICIES])
    comment = _comment(body)
    if body.get("to") == "file" and "version" not in body:
        version = await append_version(request, "file", None, comment)
        return web.json_response({"version": version_json(version)})
    target_id = body.get("version")
    if not isinstance(target_id, int) or isinstance(target_id, bool):
        raise json_error(web.HTTPBadRequest, 'expected {"version": ID} or {"to": "file"}')
    target = await versions.get(target_id)
    if target is None:
        raise json_error(web.HTTPNotFound, f"version: no version {target_id}")
    try:
        version = await append_version(
            request,
            "revert" if target.config is not None else "file",
            target.config,
            comment,
            reverted_to=target.id,
        )
    except Invalid as exc:
        raise json_error(
            web.HTTPUnprocessableEntity,
            f"version {target_id} does not apply to the current config file: {exc}",
            errors=exc.errors,
        ) from None
    return web.json_response({"version": version_json(version)})


def _page_args(query: Any) -> tuple[int | None, int]:
    limit, before = query.get("limit", "50"), query.get("before")
    if not limit.isdigit() or not 1 <= int(limit) <= MAX_PAGE:
        raise json_error(web.HTTPBadRequest, f"limit: expected 1 to {MAX_PAGE}, not {limit!r}")
    if before is not None and not before.isdigit():
        raise json_error(web.HTTPBadRequest, f"before: expected a version id, not {before!r}")
    return (int(before) if before is not None else None), int(limit)


async def list_versions(request: web.Request) -> web.Response:
    versions = _versions(request.app[POLICIES])
    before, limit = _page_args(request.query)
    page = await versions.page(before=before, limit=limit + 1)
    more = len(page) > limit
    page = page[:limit]
    return web.json_response(
        {
            "versions": [version_json(v) for v in page],
            "next_before": page[-1].id if more else None,
        }
    )


async def get_version(request: web.Request) -> web.Response:
    versions = _versions(request.app[POLICIES])
    raw = request.match_info["id"]
    version = await versions.get(int(raw)) if raw.isdigit() else None
    if version is None:
        raise json_error(web.HTTPNotFound, f"no version {raw!r}")
    return web.json_response(version_json(version, with_config=True))


def policy_routes() -> list[web.RouteDef]:
    return [
        web.get("/api/policies", get_policies),
        web.put("/api/policies", apply),
        web.get("/api/policies/available", get_available),
        web.get("/api/policies/select", get_selection),
        web.post("/api/policies/validate", validate),
        web.get("/api/policies/versions", list_versions),
        web.get("/api/policies/versions/{id}", get_version),
        web.post("/api/policies/revert", revert),
    ]
