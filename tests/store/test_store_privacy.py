"""What the store keeps of a client: no credential from a body, a readable user; on SQLite
and Postgres."""

from __future__ import annotations

import json

from sqlalchemy import select, text

from sluice.schema import metadata
from sluice.store import SessionFilter, Store
from sluice.store.credentials import REMOVED
from tests.store.factories import T0, claude_request, conversation, record

TOKEN = "mcp-token-" + "Zx9" * 12


def with_credentials() -> dict[str, object]:
    request = claude_request(conversation(1))
    request["mcp_servers"] = [
        {"type": "url", "url": "https://mcp.example", "name": "x", "authorization_token": TOKEN}
    ]
    request["tools"] = [
        *request["tools"],  # type: ignore[list-item]
        {"type": "mcp", "server_url": "https://m", "headers": {"Authorization": TOKEN}},
    ]
    return request


async def every_row(store: Store) -> str:
    rows = []
    async with store.engine.connect() as connection:
        for table in metadata.sorted_tables:
            rows += [repr(tuple(row)) for row in await connection.execute(select(table))]
    return "\n".join(rows)


async def test_credentials_in_a_body_never_reach_the_database(store: Store) -> None:
    request = with_credentials()
    sent = json.loads(json.dumps(request))
    sent["messages"][0]["content"][0]["text"] = "changed by a policy"
    await store.write([record(0, request=request, request_sent=sent)])
    assert TOKEN not in await every_row(store)
    transcript = await store.read_session("s1")
    assert transcript is not None
    exchange = transcript.exchanges[0]
    read = transcript.request(exchange)
    assert read["mcp_servers"][0]["authorization_token"] == REMOVED
    assert read["tools"][-1]["headers"] == {"Authorization": REMOVED}
    assert TOKEN not in json.dumps(transcript.request_sent(exchange))


async def test_claude_codes_user_id_is_stored_and_listed_readable(store: Store) -> None:
    raw = json.dumps({"device_id": "ab" * 32, "account_uuid": "", "session_id": "s1"})
    await store.write([record(0, user_id=raw)])
    page = await store.list_sessions(SessionFilter())
    assert [s.user_id for s in page.sessions] == ["device abababababab"]
    assert raw not in await every_row(store)


async def test_a_raw_user_id_stored_earlier_is_shown_readable(store: Store) -> None:
    await store.write([record(0)])
    raw = json.dumps({"device_id": "cd" * 32, "account_uuid": "acc-1", "session_id": "s1"})
    async with store.engine.begin() as connection:  # as an older Sluice wrote it
        await connection.execute(text("UPDATE sessions SET user_id = :u"), {"u": raw})
        await connection.execute(text("UPDATE exchanges SET user_id = :u"), {"u": raw})
    page = await store.list_sessions(SessionFilter())
    assert page.sessions[0].user_id == "account acc-1, device cdcdcdcdcdcd"
    transcript = await store.read_session("s1")
    assert transcript is not None
    assert transcript.user_id == "account acc-1, device cdcdcdcdcdcd"
    recent = await store.recent_exchanges(T0)
    assert recent[0].user_id == "account acc-1, device cdcdcdcdcdcd"
