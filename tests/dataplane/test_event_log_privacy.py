"""Credentials a client puts in a request body (MCP server tokens, MCP tool headers) never
reach the event log, SQLite or Postgres, nor the history API and its exports."""

from __future__ import annotations

import asyncio
import json
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path

import anthropic
import asyncpg
import openai
import pytest
from sqlalchemy.engine import URL, make_url

from sluice.schema import async_url, metadata
from sluice.store import Store, client_fingerprint
from tests.harness import Gateway
from tests.store.fixtures import TEMPLATE, _create_database, postgres_server  # noqa: F401

MCP_TOKEN = "mcp-tok-" + "Hq5" * 12
HEADER_TOKEN = "hdr-tok-" + "Vb8" * 12
TOOL_TOKEN = "tool-tok-" + "Ld3" * 12
TOKENS = (MCP_TOKEN, HEADER_TOKEN, TOOL_TOKEN)
ANTHROPIC_KEY = "sk-ant-privacy-test"
OPENAI_KEY = "sk-privacy-test"


async def send_requests_with_credentials(gateway: Gateway, session: str) -> list[str]:
    """An Anthropic request with an MCP server token and an OpenAI Responses request with an
    MCP tool's headers and authorization, both through the gateway; their stored sessions."""
    async with anthropic.AsyncAnthropic(
        base_url=gateway.url, api_key=ANTHROPIC_KEY, max_retries=0
    ) as claude:
        await claude.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=20,
            messages=[{"role": "user", "content": "hi"}],
            extra_headers={"x-claude-code-session-id": session, "x-fake-script": "text"},
            extra_body={
                "mcp_servers": [
                    {
                        "type": "url",
                        "url": "https://mcp.example/sse",
                        "name": "wiki",
                        "authorization_token": MCP_TOKEN,
                    }
                ]
            },
        )
    async with openai.AsyncOpenAI(
        base_url=f"{gateway.url}/v1", api_key=OPENAI_KEY, max_retries=0
    ) as gpt:
        await gpt.responses.create(
            model="gpt-5",
            input="hi",
            tools=[
                {
                    "type": "mcp",
                    "server_label": "wiki",
                    "server_url": "https://mcp.example",
                    "headers": {"Authorization": f"Bearer {HEADER_TOKEN}"},
                    "authorization": TOOL_TOKEN,
                    "require_approval": "never",
                }
            ],
            extra_headers={"x-claude-code-session-id": session + "-o", "x-fake-script": "text"},
        )
    return [
        f"{session}@{client_fingerprint(ANTHROPIC_KEY)}",
        f"{session}-o@{client_fingerprint(OPENAI_KEY)}",
    ]


async def recorded(url: str, sessions: list[str]) -> None:
    async with Store(async_url(url)) as store:
        for _ in range(200):
            found = [await store.read_session(s) for s in sessions]
            if all(found):
                return
            await asyncio.sleep(0.05)
    raise AssertionError(f"sessions {sessions} not recorded")


def admin_get(gateway: Gateway, path: str) -> str:
    port = gateway.config["admin"]["port"]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as response:
        text: str = response.read().decode()
        return text


def exports(gateway: Gateway, sessions: list[str]) -> str:
    """Everything the history API shows of the sessions: transcripts, exports, exchanges."""
    texts = []
    for session in sessions:
        quoted = urllib.request.quote(session, safe="")
        detail = admin_get(gateway, f"/api/sessions/{quoted}")
        texts += [detail, admin_get(gateway, f"/api/sessions/{quoted}/export.md")]
        texts.append(admin_get(gateway, f"/api/sessions/{quoted}/export.jsonl"))
        for exchange in json.loads(detail)["exchanges"]:
            texts.append(admin_get(gateway, f"/api/exchanges/{exchange['id']}"))
    return "\n".join(texts)


def assert_no_token(text: str | bytes, where: str) -> None:
    for token in TOKENS:
        found = token.encode() in text if isinstance(text, bytes) else token in text
        assert not found, f"{token} found in {where}"


async def test_credentials_in_bodies_never_reach_sqlite_or_the_exports(gateway: Gateway) -> None:
    sessions = await send_requests_with_credentials(gateway, uuid.uuid4().hex)
    url = f"sqlite:///{gateway.config_path.parent}/var/sluice.db"
    await recorded(url, sessions)
    database = b"".join(
        p.read_bytes() for p in sorted(gateway.config_path.parent.glob("var/sluice.db*"))
    )
    assert_no_token(database, "the SQLite database")
    shown = exports(gateway, sessions)
    assert_no_token(shown, "the history API and exports")
    assert "[removed]" in shown  # the definitions are there, their secrets are not
    assert "https://mcp.example/sse" in shown


@pytest.fixture
async def postgres_url(postgres_server: URL) -> str:  # noqa: F811 - the imported fixture
    return await _create_database(postgres_server, TEMPLATE)


async def postgres_rows(url: str) -> str:
    """Every row of every Sluice table, as Postgres prints it."""
    parsed = make_url(url)
    db = await asyncpg.connect(
        host=parsed.host, port=parsed.port, user=parsed.username, database=parsed.database
    )
    try:
        rows = []
        for table in metadata.sorted_tables:
            found = await db.fetch(f'SELECT t::text AS row FROM "{table.name}" t')
            rows += [record["row"] for record in found]
        return "\n".join(rows)
    finally:
        await db.close()


async def test_credentials_in_bodies_never_reach_postgres_or_the_exports(
    make_gateway: Callable[..., Gateway], postgres_url: str, tmp_path: Path
) -> None:
    plain_url = postgres_url.replace("postgresql+asyncpg://", "postgresql://")
    gateway = make_gateway(store_url=plain_url)
    sessions = await send_requests_with_credentials(gateway, uuid.uuid4().hex)
    await recorded(plain_url, sessions)
    rows = await postgres_rows(plain_url)
    assert "https://mcp.example/sse" in rows  # the rows were read
    assert_no_token(rows, "Postgres")
    assert_no_token(exports(gateway, sessions), "the history API and exports")
