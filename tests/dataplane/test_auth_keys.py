"""``auth.mode: keys`` through the real gateway (two sidecar workers, Postgres, the official
SDKs): a key created in the store works at once and as who it names; every bad credential
and every forbidden model is refused in the client's own format before any upstream byte;
a revoked key stops working on every worker, and on a second gateway, within 5 s; the
client's key never reaches the provider."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anthropic
import asyncpg
import openai
import pytest
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from sluice.schema import create_engine
from sluice.store.keys import create_key, revoke_key
from tests.dataplane.conftest import track
from tests.harness import FakeUpstream, Gateway, gateway_config, short_tempdir, start_gateway
from tests.store.fixtures import TEMPLATE, _create_database, postgres_server  # noqa: F401

PROVIDER_KEY = "sk-provider-held-by-the-gateway"
NOTICE = "Payments team chain"
UNAUTHENTICATED = "Sluice gateway: invalid or expired key"


@dataclass
class Keyed:
    """A keys-mode gateway and the store its keys live in."""

    gateway: Gateway
    url: str  # postgresql:// for the gateway
    key_file: Path  # the provider key the gateway holds

    def engine(self) -> AsyncEngine:
        return create_engine(self.url)


def _start(upstream: FakeUpstream, base: Path, url: str, key_file: Path) -> Gateway:
    """A keys-mode gateway with two workers on the store at ``url``."""
    provider_key = {"secret": {"file": str(key_file)}}
    providers = {
        name: {"base_url": upstream.url, "api_key": provider_key}
        for name in ("anthropic", "openai")
    }
    config = gateway_config(
        upstream.url,
        base / "run",
        workers=2,
        providers=providers,
        store_url=url,
        auth={
            "mode": "keys",
            "refresh_interval_s": 0.5,
            "team_models": {"interns": ["claude-haiku-*"]},
        },
        # Honoured in passthrough mode only: here it must change nothing.
        team_header="x-team",
        chains={"payments": [{"name": "notice", "config": {"text": NOTICE}}]},
        select=[{"team": "payments", "chain": "payments"}],
        limits={"sync_interval_s": 0.2},
    )
    return start_gateway(base, config)


@pytest.fixture(scope="module")
def keyed(upstream: FakeUpstream, postgres_server: URL) -> Iterator[Keyed]:  # noqa: F811
    with ThreadPoolExecutor(1) as thread:  # a migrated database of its own
        url = thread.submit(asyncio.run, _create_database(postgres_server, TEMPLATE)).result()
    plain = url.replace("postgresql+asyncpg://", "postgresql://")
    with short_tempdir() as base:
        key_file = base / "provider.key"
        key_file.write_text(PROVIDER_KEY + "\n")
        with track(_start(upstream, base, plain, key_file)) as gateway:
            yield Keyed(gateway, plain, key_file)


@pytest.fixture
async def engine(keyed: Keyed) -> AsyncIterator[AsyncEngine]:
    engine = keyed.engine()
    yield engine
    await engine.dispose()


# --- helpers ---------------------------------------------------------------------------


def _message(marker: str, model: str = "claude-sonnet-4-6") -> dict[str, Any]:
    return {
        "model": model,
        "max_tokens": 64,
        "messages": [{"role": "user", "content": f"hello {marker}"}],
    }


def _chat(marker: str, model: str = "gpt-5") -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": f"hello {marker}"}]}


async def _claude(gateway: Gateway, key: str, marker: str, **extra: Any) -> str:
    async with anthropic.AsyncAnthropic(base_url=gateway.url, api_key=key, max_retries=0) as c:
        reply = await c.messages.create(**_message(marker, **extra))
    return "".join(b.text for b in reply.content if b.type == "text")


async def _gpt(gateway: Gateway, key: str, marker: str, **extra: Any) -> str:
    async with openai.AsyncOpenAI(
        base_url=f"{gateway.url}/v1", api_key=key, max_retries=0
    ) as client:
        reply = await client.chat.completions.create(**_chat(marker, **extra))
    return reply.choices[0].message.content or ""


def _raw(gateway: Gateway, path: str, body: dict[str, Any], headers: dict[str, str]) -> int:
    request = urllib.request.Request(
        f"{gateway.url}{path}",
        json.dumps(body).encode(),
        {"content-type": "application/json", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def _metrics(gateway: Gateway) -> str:
    url = f"http://127.0.0.1:{gateway.config['admin']['port']}/metrics"
    with urllib.request.urlopen(url) as response:
        return str(response.read().decode())


def _upstream_saw(upstream: FakeUpstream, text: str) -> list[dict[str, Any]]:
    return [r for r in upstream.requests() if text in json.dumps(r)]


async def _works_soon(gateway: Gateway, key: str) -> None:
    """A new key is known once every worker's next poll has loaded it (well within 5 s):
    taken several times in a row, whichever worker each request reaches. Asked on
    ``count_tokens``, which checks the key and spends no budget."""
    body = {"model": "claude-sonnet-4-6", "messages": [{"role": "user", "content": "hi"}]}
    headers = {"anthropic-version": "2023-06-01", "x-api-key": key}
    deadline = time.monotonic() + 5
    known_in_a_row = 0
    while known_in_a_row < 8:
        if _raw(gateway, "/v1/messages/count_tokens", body, headers) != 401:
            known_in_a_row += 1
            continue
        assert time.monotonic() < deadline, "the new key was not known within 5 s"
        known_in_a_row = 0
        await asyncio.sleep(0.2)


async def _refused_within_5s(gateway: Gateway, key: str) -> float:
    """Seconds until ``key`` is refused by each of the gateway's workers, several times in a
    row: until both workers have answered since the key last worked, every answer a refusal
    (Envoy balances by load, so on a busy machine one worker may take several in a row)."""
    started = time.monotonic()
    since = gateway.sidecar_streams_per_worker()  # the streams when the key last worked
    refused_in_a_row = 0
    while True:
        assert time.monotonic() - started < 5, "the revoked key still works after 5 s"
        try:
            await _claude(gateway, key, "after-revoke")
            refused_in_a_row, since = 0, gateway.sidecar_streams_per_worker()
        except anthropic.AuthenticationError:
            refused_in_a_row += 1
        now = gateway.sidecar_streams_per_worker()
        both = len(now) == 2 and all(now[host] > since.get(host, 0) for host in now)
        if refused_in_a_row >= 8 and both:
            return time.monotonic() - started


async def _recorded(url: str, key_id: str) -> list[asyncpg.Record]:
    """The event log's rows of ``key_id`` (once the writer has flushed them)."""
    connection = await asyncpg.connect(url)
    try:
        for _ in range(100):
            rows = await connection.fetch(
                'SELECT "user", team, key_id, client, outcome, status FROM exchanges '
                "WHERE key_id = $1",
                key_id,
            )
            if rows:
                return list(rows)
            await asyncio.sleep(0.1)
    finally:
        await connection.close()
    return []


# --- tests -----------------------------------------------------------------------------


async def test_a_created_key_works_with_both_sdks_and_never_reaches_the_provider(
    keyed: Keyed, engine: AsyncEngine, upstream: FakeUpstream
) -> None:
    record, key = await create_key(engine, "alice", team="payments")
    await _works_soon(keyed.gateway, key)
    marker = uuid.uuid4().hex
    assert NOTICE in await _claude(keyed.gateway, key, marker)  # the team's chain
    assert NOTICE in await _gpt(keyed.gateway, key, marker)
    # Claude Code's ANTHROPIC_AUTH_TOKEN: the key as a bearer token in Anthropic's format.
    async with anthropic.AsyncAnthropic(
        base_url=keyed.gateway.url, auth_token=key, max_retries=0
    ) as claude:
        await claude.messages.create(**_message(marker))
    seen = _upstream_saw(upstream, marker)
    assert len(seen) == 3
    assert [r["headers"].get("x-api-key") for r in seen if r["path"] == "/v1/messages"] == [
        PROVIDER_KEY,
        PROVIDER_KEY,
    ]
    chat = [r for r in seen if r["path"] == "/v1/chat/completions"]
    assert chat[0]["headers"]["authorization"] == f"Bearer {PROVIDER_KEY}"
    assert not _upstream_saw(upstream, key.removeprefix("sk-sluice-"))
    rows = await _recorded(keyed.url, record.id)
    assert {(r["user"], r["team"], r["client"]) for r in rows} == {("alice", "payments", "alice")}
    exposed = _metrics(keyed.gateway)
    assert 'team="payments"' in exposed  # the key's team labels the metrics
    assert key.removeprefix("sk-sluice-") not in exposed


@pytest.mark.parametrize("client_format", ["anthropic", "openai"])
async def test_every_bad_credential_is_refused_before_the_provider(
    keyed: Keyed, engine: AsyncEngine, upstream: FakeUpstream, client_format: str
) -> None:
    soon = datetime.now(UTC) + timedelta(seconds=2)
    _, expiring = await create_key(engine, "bob", expires_at=soon)
    revoked_record, revoked = await create_key(engine, "bob")
    await _works_soon(keyed.gateway, revoked)
    assert await revoke_key(engine, revoked_record.id)
    await asyncio.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 1.5)
    marker = uuid.uuid4().hex
    credentials = {
        "malformed": "sk-sluice-short",
        "unknown": "sk-sluice-" + "A" * 32,
        "a provider key": "sk-ant-api03-" + "x" * 40,
        "expired": expiring,
        "revoked": revoked,
    }
    for what, credential in credentials.items():
        if client_format == "anthropic":
            with pytest.raises(anthropic.AuthenticationError) as refused:
                await _claude(keyed.gateway, credential, marker)
            error = refused.value.body["error"]  # type: ignore[index]
        else:
            with pytest.raises(openai.AuthenticationError) as denied:
                await _gpt(keyed.gateway, credential, marker)
            error = denied.value.body
        assert error["type"] == "authentication_error", what
        assert error["message"] == UNAUTHENTICATED, what
    # No credential at all.
    if client_format == "anthropic":
        missing = _raw(
            keyed.gateway, "/v1/messages", _message(marker), {"anthropic-version": "2023-06-01"}
        )
    else:
        missing = _raw(keyed.gateway, "/v1/chat/completions", _chat(marker), {})
    assert missing == 401
    assert not _upstream_saw(upstream, marker)
    for credential in credentials.values():
        assert not _upstream_saw(upstream, credential)


async def test_a_model_the_key_or_its_team_may_not_use_is_403(
    keyed: Keyed, engine: AsyncEngine, upstream: FakeUpstream
) -> None:
    _, narrow = await create_key(engine, "carol", models=["claude-haiku-*"])
    _, intern = await create_key(engine, "dave", team="interns")
    for key in (narrow, intern):  # each may come with a different poll
        await _works_soon(keyed.gateway, key)
    marker = uuid.uuid4().hex
    for key in (narrow, intern):
        with pytest.raises(anthropic.PermissionDeniedError) as refused:
            await _claude(keyed.gateway, key, marker)
        assert refused.value.body["error"]["type"] == "permission_error"  # type: ignore[index]
        with pytest.raises(openai.PermissionDeniedError):
            await _gpt(keyed.gateway, key, marker)
    assert not _upstream_saw(upstream, marker)
    await _claude(keyed.gateway, intern, marker, model="claude-haiku-4-5")  # allowed
    assert len(_upstream_saw(upstream, marker)) == 1


async def test_a_team_header_does_not_change_the_keys_team(
    keyed: Keyed, engine: AsyncEngine
) -> None:
    record, elsewhere = await create_key(engine, "erin", team="research")
    _, payments = await create_key(engine, "frank", team="payments")
    await _works_soon(keyed.gateway, elsewhere)
    async with anthropic.AsyncAnthropic(
        base_url=keyed.gateway.url,
        api_key=elsewhere,
        max_retries=0,
        default_headers={"x-team": "payments"},
    ) as claude:
        reply = await claude.messages.create(**_message("spoof"))
    assert NOTICE not in "".join(b.text for b in reply.content if b.type == "text")
    async with anthropic.AsyncAnthropic(
        base_url=keyed.gateway.url,
        api_key=payments,
        max_retries=0,
        default_headers={"x-team": "research"},
    ) as claude:
        reply = await claude.messages.create(**_message("spoof"))
    assert NOTICE in "".join(b.text for b in reply.content if b.type == "text")
    rows = await _recorded(keyed.url, record.id)
    assert {r["team"] for r in rows} == {"research"}


async def test_a_keys_daily_budget_is_kept_and_random_keys_get_none(
    keyed: Keyed, engine: AsyncEngine
) -> None:
    _, key = await create_key(engine, "gina", tokens_per_day=100)
    await _works_soon(keyed.gateway, key)
    answered = 0  # an exchange costs a few dozen tokens
    spent: anthropic.RateLimitError | None = None
    while spent is None and answered < 10:  # admitted while tokens are left, charged at end
        try:
            await _claude(keyed.gateway, key, "again")
            answered += 1
        except anthropic.RateLimitError as refused:
            spent = refused
    assert spent is not None
    assert answered >= 2
    assert spent.body["error"]["type"] == "rate_limit_error"  # type: ignore[index]
    assert 1 <= int(spent.response.headers["retry-after"]) <= 86400
    deadline = time.monotonic() + 5
    while True:  # the other worker learns of the spend at its next sync with the store
        try:
            await _gpt(keyed.gateway, key, "third")
        except openai.RateLimitError:
            break
        assert time.monotonic() < deadline, "the spend never reached the other worker"
        await asyncio.sleep(0.2)
    # A fresh random key is no new budget: it is no key at all.
    for _ in range(3):
        with pytest.raises(anthropic.AuthenticationError):
            await _claude(keyed.gateway, "sk-sluice-" + uuid.uuid4().hex, "rotate")


async def test_a_keys_own_dollar_budget_is_kept(keyed: Keyed, engine: AsyncEngine) -> None:
    # At the list price of claude-sonnet-4-6 an exchange here costs about $0.0004.
    _, key = await create_key(engine, "ivy", usd_per_day=0.0005)
    await _works_soon(keyed.gateway, key)
    spent: anthropic.RateLimitError | None = None
    for _ in range(10):  # admitted while dollars are left, charged at the end
        try:
            await _claude(keyed.gateway, key, "dollars")
        except anthropic.RateLimitError as refused:
            spent = refused
            break
    assert spent is not None
    message = spent.body["error"]["message"]  # type: ignore[index]
    assert "dollar budget exhausted" in message
    assert 1 <= int(spent.response.headers["retry-after"]) <= 86400


async def test_passthrough_paths_need_a_key_too(keyed: Keyed, engine: AsyncEngine) -> None:
    _, key = await create_key(engine, "hank")
    await _works_soon(keyed.gateway, key)
    body = {"model": "claude-sonnet-4-6", "messages": [{"role": "user", "content": "hi"}]}
    anthropic_headers = {"anthropic-version": "2023-06-01"}
    count = "/v1/messages/count_tokens"
    assert _raw(keyed.gateway, count, body, anthropic_headers) == 401
    assert _raw(keyed.gateway, count, body, {**anthropic_headers, "x-api-key": "sk-x"}) == 401
    assert _raw(keyed.gateway, count, body, {**anthropic_headers, "x-api-key": key}) == 200
    async with anthropic.AsyncAnthropic(
        base_url=keyed.gateway.url, api_key="sk-sluice-" + "B" * 32, max_retries=0
    ) as claude:
        with pytest.raises(anthropic.AuthenticationError):
            await claude.messages.count_tokens(**body)  # type: ignore[arg-type]


def _admin(gateway: Gateway, path: str, body: dict[str, Any] | None = None) -> Any:
    """A call to the gateway's admin API (the test config's admin server is a demo: no key)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{gateway.config['admin']['port']}{path}",
        json.dumps(body or {}).encode(),
        {"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        return json.load(response)


async def test_a_key_from_the_admin_api_works_and_its_revocation_stops_it_everywhere(
    keyed: Keyed, upstream: FakeUpstream
) -> None:
    """Both workers of this gateway and a second gateway on the same Postgres, within 5 s."""
    with (
        short_tempdir() as base,
        track(_start(upstream, base, keyed.url, keyed.key_file)) as second,
    ):
        made = _admin(keyed.gateway, "/api/keys", {"user": "ivy", "team": "payments"})
        key = made["secret"]
        await _works_soon(keyed.gateway, key)
        await _works_soon(second, key)
        _admin(keyed.gateway, f"/api/keys/{made['key']['id']}/revoke")
        await asyncio.gather(
            _refused_within_5s(keyed.gateway, key), _refused_within_5s(second, key)
        )
