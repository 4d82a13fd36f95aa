"""The OpenAPI document against the real admin server: every endpoint's real responses
(success and failure) must validate against the response schema documented for them.

Schemathesis was not used: it drives ASGI/WSGI apps in-process, not aiohttp, and this
checks what matters here (the document tells the truth about real responses) directly,
with ``jsonschema`` and the document's own ``$ref``s.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from sluice.admin.openapi import openapi_document
from sluice.fake_upstream._app import create_app as fake_upstream_app
from sluice.store import Store
from sluice.store.reviews import ReviewQueue, Ticket
from tests.admin.conftest import REVIEWER_KEY, VIEWER_KEY, auth
from tests.admin.test_history_api import seed, seed_claude_code
from tests.admin.test_policies_api import REPLACE, Client, proposal, start_policy_client

DOC_URI = "urn:sluice:openapi"
METHODS = ("get", "put", "post", "delete", "patch")


def _pointer(*parts: str) -> str:
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _template(path: str) -> str:
    """The documented path a concrete path matches (``/api/sessions/s1`` -> ``{id}``)."""
    paths = openapi_document()["paths"]
    bare = path.partition("?")[0]
    if bare in paths:
        return bare
    for template in paths:
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, bare):
            return template
    raise AssertionError(f"{bare} is not documented")


class Checker:
    """Validates responses against the document and remembers what was covered."""

    def __init__(self) -> None:
        document = openapi_document()
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(DOC_URI, resource)
        self.document = document
        self.covered: set[tuple[str, str]] = set()

    def _response(self, template: str, method: str, status: int) -> tuple[dict[str, Any], str]:
        responses = self.document["paths"][template][method]["responses"]
        assert str(status) in responses, f"{method.upper()} {template}: {status} not documented"
        response = responses[str(status)]
        pointer = _pointer("paths", template, method, "responses", str(status))
        if "$ref" in response:
            pointer = response["$ref"].removeprefix("#")
            response = self.document["components"]["responses"][pointer.rpartition("/")[2]]
        return response, pointer

    async def check(self, client: Client, method: str, path: str, status: int, **kw: Any) -> Any:
        """Make the request, check its status and body; return the body."""
        reply = await client.request(method.upper(), path, **kw)
        assert reply.status == status, f"{method} {path}: {reply.status} {await reply.text()}"
        template = _template(path)
        response, pointer = self._response(template, method, status)
        content_type = reply.content_type
        assert content_type in response["content"], f"{method} {path}: {content_type}"
        self.covered.add((method, template))
        if content_type != "application/json":
            return await reply.text()
        body = await reply.json()
        schema_at = pointer + _pointer("content", content_type, "schema")
        validator = Draft202012Validator(
            {"$ref": DOC_URI + "#" + schema_at}, registry=self.registry
        )
        errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(body)]
        assert not errors, f"{method.upper()} {path} {status}: {errors}"
        return body


@pytest.fixture
async def upstream() -> Any:
    server = TestServer(fake_upstream_app(), host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("")).rstrip("/")
    await server.close()


async def test_the_document_is_openapi_3_1_and_served(admin_env: None, store: Store) -> None:
    client = await start_policy_client(store)
    try:
        served = await Checker().check(client, "get", "/api/openapi.json", 200, headers=auth())
    finally:
        await client.close()
    assert served == openapi_document()
    assert served["openapi"].startswith("3.1")
    Draft202012Validator.check_schema({"$defs": served["components"]["schemas"]})


async def test_every_endpoint_answers_as_documented(
    admin_env: None, store: Store, upstream: str
) -> None:
    await seed(store)
    await seed_claude_code(store)
    providers = {"anthropic": {"base_url": upstream}, "openai": {"base_url": upstream}}
    client = await start_policy_client(store, providers=providers)
    c = Checker()
    viewer, nobody = auth(VIEWER_KEY), {}
    try:
        await c.check(client, "get", "/healthz", 200)
        await c.check(client, "get", "/readyz", 200)
        await c.check(client, "get", "/metrics", 200)
        await c.check(client, "get", "/api/openapi.json", 401, headers=nobody)
        # history
        await c.check(client, "get", "/api/sessions?limit=2", 200, headers=viewer)
        await c.check(client, "get", "/api/sessions?limit=0", 400, headers=viewer)
        await c.check(client, "get", "/api/sessions", 401, headers=nobody)
        await c.check(client, "get", "/api/sessions/s1", 200, headers=viewer)
        # a session whose client said where it ran (every insight filled in)
        await c.check(
            client, "get", "/api/sessions?git_branch=feature/insights", 200, headers=viewer
        )
        await c.check(client, "get", "/api/sessions/cc-git", 200, headers=viewer)
        claude = "/api/sessions/{}/export.claude.jsonl"
        await c.check(client, "get", claude.format("cc-git"), 200, headers=viewer)
        await c.check(client, "get", claude.format("s2") + "?cwd=/w", 400, headers=viewer)
        await c.check(client, "get", claude.format("nope"), 404, headers=viewer)
        await c.check(client, "get", claude.format("cc-git"), 401, headers=nobody)
        await c.check(client, "get", "/api/sessions/nope", 404, headers=viewer)
        await c.check(client, "get", "/api/sessions/s1", 401, headers=nobody)
        for export in ("export.md", "export.jsonl"):
            await c.check(client, "get", f"/api/sessions/s1/{export}", 200, headers=viewer)
            await c.check(client, "get", f"/api/sessions/nope/{export}", 404, headers=viewer)
            await c.check(client, "get", f"/api/sessions/s1/{export}", 401, headers=nobody)
        await c.check(client, "get", "/api/exchanges/s1-2", 200, headers=viewer)
        await c.check(client, "get", "/api/exchanges/nope", 404, headers=viewer)
        await c.check(client, "get", "/api/exchanges/s1-2", 401, headers=nobody)
        for by in ("team", "day", "session"):
            await c.check(client, "get", f"/api/spend?by={by}", 200, headers=viewer)
        await c.check(client, "get", "/api/spend?by=week", 400, headers=viewer)
        await c.check(client, "get", "/api/spend", 401, headers=nobody)
        await _live(client, c)
        await _policies(client, c)
        await _keys(client, c)
        await _reviews(client, c, store)
    finally:
        await client.close()
    documented = {
        (method, path)
        for path, item in openapi_document()["paths"].items()
        for method in item
        if method in METHODS
    }
    assert documented - c.covered == set()


async def _live(client: Client, c: Checker) -> None:
    await c.check(client, "get", "/api/live", 401, headers={})
    reply = await client.get("/api/live", headers=auth(VIEWER_KEY))
    try:
        assert reply.status == 200
        assert reply.content_type == "text/event-stream"
        c.covered.add(("get", "/api/live"))
    finally:
        reply.close()
    await asyncio.sleep(0)


async def _policies(client: Client, c: Checker) -> None:
    admin, viewer, nobody = auth(), auth(VIEWER_KEY), {}
    await c.check(client, "get", "/api/policies", 200, headers=viewer)
    await c.check(client, "get", "/api/policies", 401, headers=nobody)
    await c.check(client, "get", "/api/policies/available", 200, headers=viewer)
    await c.check(client, "get", "/api/policies/available", 401, headers=nobody)
    await c.check(client, "get", "/api/policies/select?route=/v1/messages", 200, headers=viewer)
    await c.check(client, "get", "/api/policies/select?route=x", 400, headers=viewer)
    await c.check(client, "get", "/api/policies/select?route=/v1/messages", 401, headers=nobody)
    valid, bad = proposal(), proposal(policies=[{"name": "nope"}])
    await c.check(client, "post", "/api/policies/validate", 200, headers=viewer, json=valid)
    await c.check(client, "post", "/api/policies/validate", 200, headers=viewer, json=bad)
    await c.check(client, "post", "/api/policies/validate", 400, headers=viewer, json=[])
    await c.check(client, "post", "/api/policies/validate", 415, headers=viewer, data="x")
    await c.check(client, "post", "/api/policies/validate", 401, headers=nobody, json=valid)
    applied = proposal(policies=[REPLACE], comment="rename")
    await c.check(client, "put", "/api/policies", 200, headers=admin, json=applied)
    await c.check(client, "put", "/api/policies", 422, headers=admin, json=bad)
    await c.check(client, "put", "/api/policies", 400, headers=admin, json={"x": 1})
    await c.check(client, "put", "/api/policies", 415, headers=admin, data="x")
    await c.check(client, "put", "/api/policies", 403, headers=viewer, json=applied)
    await c.check(client, "put", "/api/policies", 401, headers=nobody, json=applied)
    await c.check(client, "get", "/api/policies", 200, headers=viewer)  # now a version
    await c.check(client, "get", "/api/policies/versions?limit=1", 200, headers=viewer)
    await c.check(client, "get", "/api/policies/versions?limit=x", 400, headers=viewer)
    await c.check(client, "get", "/api/policies/versions", 401, headers=nobody)
    await c.check(client, "get", "/api/policies/versions/1", 200, headers=viewer)
    await c.check(client, "get", "/api/policies/versions/9", 404, headers=viewer)
    await c.check(client, "get", "/api/policies/versions/1", 401, headers=nobody)
    await c.check(client, "post", "/api/policies/revert", 200, headers=admin, json={"to": "file"})
    await c.check(client, "post", "/api/policies/revert", 200, headers=admin, json={"version": 1})
    await c.check(client, "post", "/api/policies/revert", 404, headers=admin, json={"version": 9})
    await c.check(client, "post", "/api/policies/revert", 400, headers=admin, json={})
    await c.check(client, "post", "/api/policies/revert", 415, headers=admin, data="x")
    await c.check(client, "post", "/api/policies/revert", 403, headers=viewer, json={"to": "file"})
    await c.check(client, "post", "/api/policies/revert", 401, headers=nobody, json={})
    tried = {"prompt": "hello acme", "model": "tools"}
    body = await c.check(client, "post", "/api/policies/try", 200, headers=admin, json=tried)
    assert body["decisions"][0]["policy"] == "replace"
    await c.check(client, "post", "/api/policies/try", 400, headers=admin, json={})
    await c.check(client, "post", "/api/policies/try", 415, headers=admin, data="x")
    draft = {"prompt": "x", "proposal": bad}
    await c.check(client, "post", "/api/policies/try", 422, headers=admin, json=draft)
    await c.check(client, "post", "/api/policies/try", 403, headers=viewer, json=tried)
    await c.check(client, "post", "/api/policies/try", 401, headers=nobody, json=tried)


async def _keys(client: Client, c: Checker) -> None:
    admin, viewer, nobody = auth(), auth(VIEWER_KEY), {}
    wanted = {"user": "alice", "team": "payments", "models": ["claude-*"], "expires": "30d"}
    made = await c.check(client, "post", "/api/keys", 201, headers=admin, json=wanted)
    await c.check(client, "post", "/api/keys", 400, headers=admin, json={"user": ""})
    await c.check(client, "post", "/api/keys", 415, headers=admin, data="x")
    await c.check(client, "post", "/api/keys", 403, headers=viewer, json=wanted)
    await c.check(client, "post", "/api/keys", 401, headers=nobody, json=wanted)
    await c.check(client, "get", "/api/keys", 200, headers=admin)
    await c.check(client, "get", "/api/keys", 403, headers=viewer)
    await c.check(client, "get", "/api/keys", 401, headers=nobody)
    revoke = f"/api/keys/{made['key']['id']}/revoke"
    await c.check(client, "post", revoke, 200, headers=admin)
    await c.check(client, "post", "/api/keys/key_nope/revoke", 404, headers=admin)
    await c.check(client, "post", revoke, 403, headers=viewer)
    await c.check(client, "post", revoke, 401, headers=nobody)
    await c.check(client, "get", "/api/sessions?team=payments&key_id=key_x", 200, headers=viewer)


async def _reviews(client: Client, c: Checker, store: Store) -> None:
    admin, viewer, reviewer = auth(), auth(VIEWER_KEY), auth(REVIEWER_KEY)
    nobody: dict[str, str] = {}
    queue = ReviewQueue(store.engine)
    ticket = Ticket("k", "Bash", '{"command": "make deploy"}', "deploys", "tool_rules", 60, "deny")
    first, _ = await queue.open(ticket, 600)
    second, _ = await queue.open(dataclasses.replace(ticket, key="k2"), 600)
    listed = await c.check(client, "get", "/api/reviews", 200, headers=viewer)
    assert [r["id"] for r in listed["reviews"]] == [first.id, second.id]
    await c.check(client, "get", "/api/reviews?status=x", 400, headers=viewer)
    await c.check(client, "get", "/api/reviews?limit=0", 400, headers=viewer)
    await c.check(client, "get", "/api/reviews", 401, headers=nobody)
    await c.check(client, "get", f"/api/reviews/{first.id}", 200, headers=reviewer)
    await c.check(client, "get", "/api/reviews/nope", 404, headers=viewer)
    await c.check(client, "get", f"/api/reviews/{first.id}", 401, headers=nobody)
    decision = f"/api/reviews/{first.id}/decision"
    approve = {"decision": "approve", "note": "hotfix"}
    await c.check(client, "post", decision, 403, headers=viewer, json=approve)
    await c.check(client, "post", decision, 401, headers=nobody, json=approve)
    await c.check(client, "post", decision, 400, headers=reviewer, json={"decision": "maybe"})
    await c.check(client, "post", decision, 415, headers=reviewer, data="x")
    await c.check(client, "post", "/api/reviews/nope/decision", 404, headers=admin, json=approve)
    done = await c.check(client, "post", decision, 200, headers=reviewer, json=approve)
    assert done["review"]["status"] == "approved"
    assert done["review"]["reviewer"].startswith("reviewer key:")
    await c.check(client, "post", decision, 409, headers=admin, json={"decision": "deny"})
    denied = {"decision": "deny"}
    await c.check(
        client, "post", f"/api/reviews/{second.id}/decision", 200, headers=admin, json=denied
    )
    decided = await c.check(client, "get", "/api/reviews?status=decided", 200, headers=viewer)
    assert {r["status"] for r in decided["reviews"]} == {"approved", "denied"}
    # An approval turned into a rule: a policy version by the reviewer.
    third, _ = await queue.open(dataclasses.replace(ticket, key="k3", team="infra"), 600)
    decision = f"/api/reviews/{third.id}/decision"
    await c.check(
        client,
        "post",
        decision,
        400,
        headers=reviewer,
        json={"decision": "deny", "remember": "team"},
    )
    no_session = {"decision": "approve", "remember": "session"}
    await c.check(client, "post", decision, 400, headers=reviewer, json=no_session)
    remember = {"decision": "approve", "note": "fine for infra", "remember": "team"}
    done = await c.check(client, "post", decision, 200, headers=reviewer, json=remember)
    assert done["version"]["author"]["role"] == "reviewer"
    active = await c.check(client, "get", "/api/policies", 200, headers=viewer)
    [approval] = active["approvals"]
    assert approval["team"] == "infra"
    assert approval["arguments"] == '{"command":"make deploy"}'
    assert approval["approved_by"].startswith("reviewer key:")


async def test_without_a_store_changes_are_unavailable(admin_env: None) -> None:
    client = await start_policy_client(None)
    c = Checker()
    try:
        await c.check(client, "put", "/api/policies", 503, headers=auth(), json=proposal())
        await c.check(client, "get", "/api/policies/versions", 503, headers=auth())
        await c.check(client, "get", "/api/keys", 503, headers=auth())
        await c.check(client, "post", "/api/keys", 503, headers=auth(), json={"user": "a"})
        await c.check(client, "post", "/api/keys/key_x/revoke", 503, headers=auth())
        await c.check(client, "get", "/api/reviews", 503, headers=auth())
        await c.check(client, "get", "/api/reviews/r", 503, headers=auth())
        decision = {"decision": "approve"}
        await c.check(client, "post", "/api/reviews/r/decision", 503, headers=auth(), json=decision)
    finally:
        await client.close()
