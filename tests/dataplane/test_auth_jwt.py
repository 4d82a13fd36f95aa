"""``auth.mode: jwt`` and ``keys+jwt`` through the real gateway: Envoy's ``jwt_authn`` checks
the signature, issuer, audience and expiry (signing keys from a file, or fetched from a
URL); the configured claims become the user and the team, which the event log records and
a ``select`` rule uses; every bad token is a 401 in the client's own format, before any
upstream byte. Keys and tokens are made here (RSA, PyJWT)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import anthropic
import jwt
import openai
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from sluice.schema import create_engine
from sluice.store.keys import create_key
from tests.dataplane.conftest import track
from tests.harness import FakeUpstream, Gateway, gateway_config, short_tempdir, start_gateway

ISSUER = "https://login.example.test/"
AUDIENCE = "sluice"
KID = "test-key-1"
NOTICE = "Payments team chain"
UNAUTHENTICATED = "Sluice gateway: invalid or expired key"


@dataclass
class Issuer:
    """A token issuer made for the test: its signing key and its public JWKS."""

    key: rsa.RSAPrivateKey
    jwks: dict[str, Any]

    def token(self, key: rsa.RSAPrivateKey | None = None, **claims: Any) -> str:
        now = int(time.time())
        payload = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + 600,
            "email": "alice@example.test",
            "groups": ["payments", "staff"],
        } | claims
        payload = {k: v for k, v in payload.items() if v is not None}
        signing = key or self.key
        return jwt.encode(payload, signing, algorithm="RS256", headers={"kid": KID})


@pytest.fixture(scope="module")
def issuer() -> Issuer:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return Issuer(key, {"keys": [public | {"kid": KID, "alg": "RS256", "use": "sig"}]})


def _jwt_settings(**source: Any) -> dict[str, Any]:
    return {
        "issuer": ISSUER,
        "audiences": [AUDIENCE],
        "user_claim": "email",
        "team_claim": "groups",
        **source,
    }


def _start(upstream: FakeUpstream, base: Path, auth: dict[str, Any]) -> Gateway:
    provider_key = base / "provider.key"
    provider_key.write_text("sk-provider-held-by-the-gateway\n")
    key = {"secret": {"file": str(provider_key)}}
    providers = {
        name: {"base_url": upstream.url, "api_key": key} for name in ("anthropic", "openai")
    }
    config = gateway_config(
        upstream.url,
        base / "run",
        providers=providers,
        auth=auth,
        chains={"payments": [{"name": "notice", "config": {"text": NOTICE}}]},
        select=[{"team": "payments", "chain": "payments"}],
    )
    return start_gateway(base, config)


@pytest.fixture(scope="module")
def jwt_gateway(upstream: FakeUpstream, issuer: Issuer) -> Iterator[Gateway]:
    """jwt mode, the signing keys from a file."""
    with short_tempdir() as base:
        jwks = base / "jwks.json"
        jwks.write_text(json.dumps(issuer.jwks))
        auth = {"mode": "jwt", "jwt": _jwt_settings(jwks_file=str(jwks))}
        with track(_start(upstream, base, auth)) as gateway:
            yield gateway


@pytest.fixture(scope="module")
def jwks_url(issuer: Issuer) -> Iterator[str]:
    """The issuer's JWKS served over HTTP on 127.0.0.1, as an identity provider serves it."""
    body = json.dumps(issuer.jwks).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def both_gateway(upstream: FakeUpstream, jwks_url: str) -> Iterator[Gateway]:
    """keys+jwt, the signing keys fetched from a URL."""
    with short_tempdir() as base:
        auth = {
            "mode": "keys+jwt",
            "refresh_interval_s": 0.5,
            "jwt": _jwt_settings(jwks_url=jwks_url),
        }
        with track(_start(upstream, base, auth)) as gateway:
            yield gateway


async def _claude(gateway: Gateway, token: str, marker: str) -> str:
    # Claude Code's ANTHROPIC_AUTH_TOKEN travels as Authorization: Bearer, like this.
    async with anthropic.AsyncAnthropic(
        base_url=gateway.url, auth_token=token, max_retries=0
    ) as claude:
        reply = await claude.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=64,
            messages=[{"role": "user", "content": f"hello {marker}"}],
        )
    return "".join(b.text for b in reply.content if b.type == "text")


async def _gpt(gateway: Gateway, token: str, marker: str) -> str:
    async with openai.AsyncOpenAI(
        base_url=f"{gateway.url}/v1", api_key=token, max_retries=0
    ) as client:
        reply = await client.chat.completions.create(
            model="gpt-5", messages=[{"role": "user", "content": f"hello {marker}"}]
        )
    return reply.choices[0].message.content or ""


def _recorded(gateway: Gateway, user: str) -> list[tuple[str, str | None]]:
    database = gateway.config_path.parent / "var" / "sluice.db"
    for _ in range(100):
        with sqlite3.connect(database) as connection:
            rows = connection.execute(
                'SELECT "user", team FROM exchanges WHERE "user" = ?', (user,)
            ).fetchall()
        if rows:
            return [(row[0], row[1]) for row in rows]
        time.sleep(0.1)
    return []


def _upstream_saw(upstream: FakeUpstream, text: str) -> list[dict[str, Any]]:
    return [r for r in upstream.requests() if text in json.dumps(r)]


async def test_a_valid_token_names_the_user_and_team(
    jwt_gateway: Gateway, issuer: Issuer, upstream: FakeUpstream
) -> None:
    token = issuer.token()
    marker = uuid.uuid4().hex
    assert NOTICE in await _claude(jwt_gateway, token, marker)  # the team's chain
    assert NOTICE in await _gpt(jwt_gateway, token, marker)
    other = issuer.token(email="bob@example.test", groups=["research"])
    assert NOTICE not in await _claude(jwt_gateway, other, marker)
    assert ("alice@example.test", "payments") in _recorded(jwt_gateway, "alice@example.test")
    assert _recorded(jwt_gateway, "bob@example.test") == [("bob@example.test", "research")]
    seen = _upstream_saw(upstream, marker)
    assert len(seen) == 3
    assert not any(token in json.dumps(r) for r in seen)  # the token stays here


@pytest.mark.parametrize("client_format", ["anthropic", "openai"])
async def test_every_bad_token_is_refused_before_the_provider(
    jwt_gateway: Gateway,
    both_gateway: Gateway,
    issuer: Issuer,
    upstream: FakeUpstream,
    client_format: str,
) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    tokens = {
        "expired": issuer.token(iat=now - 7200, exp=now - 3600),
        "wrong issuer": issuer.token(iss="https://evil.example.test/"),
        "wrong audience": issuer.token(aud="another-app"),
        "bad signature": issuer.token(key=stranger),
        "missing user claim": issuer.token(email=None),
        "not a token": "not-a-jwt",
    }
    marker = uuid.uuid4().hex
    for gateway in (jwt_gateway, both_gateway):
        for what, token in tokens.items():
            if client_format == "anthropic":
                with pytest.raises(anthropic.AuthenticationError) as refused:
                    await _claude(gateway, token, marker)
                error = refused.value.body["error"]  # type: ignore[index]
            else:
                with pytest.raises(openai.AuthenticationError) as denied:
                    await _gpt(gateway, token, marker)
                error = denied.value.body
            assert error["type"] == "authentication_error", what
            assert error["message"] == UNAUTHENTICATED, what
    assert not _upstream_saw(upstream, marker)


async def test_keys_and_tokens_together(both_gateway: Gateway, issuer: Issuer) -> None:
    # Envoy fetches the signing keys in the background at start.
    deadline = time.monotonic() + 10
    while True:
        try:
            assert NOTICE in await _claude(both_gateway, issuer.token(), "token")
            break
        except anthropic.AuthenticationError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.3)
    engine = create_engine(f"sqlite:///{both_gateway.config_path.parent / 'var' / 'sluice.db'}")
    try:
        _, key = await create_key(engine, "carol", team="research")
    finally:
        await engine.dispose()
    deadline = time.monotonic() + 5
    while True:
        try:
            reply = await _gpt(both_gateway, key, "key")  # no token: the key check decides
            break
        except openai.AuthenticationError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)
    assert NOTICE not in reply
    assert _recorded(both_gateway, "carol") == [("carol", "research")]
