"""The history API on both backends: filters, search, pagination, transcripts, exports, diffs."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from sluice.model import Format, Response, Text, ToolCall, Usage
from sluice.store import Decision, Outcome, Store
from tests.admin.conftest import VIEWER_KEY, auth
from tests.store.factories import (
    T0,
    claude_request,
    conversation,
    record,
    recorded_claude_code,
    response,
)

Client = TestClient[Any, Any]

ALICE_A = {"user": "alice@corp", "team": "payments", "key_id": "key_aaaaaaaaaaaa"}
ALICE_C = ALICE_A | {"key_id": "key_cccccccccccc"}

BLOCKED_CALL = ToolCall("toolu_9", "Bash", '{"command": "rm -rf /"}')


async def seed(store: Store) -> None:
    """s1: alice, 3 turns, the last blocked; s2: bob on gpt-5 (the needle); s3: alice, modified.

    s1 and s3 were authenticated (alice@corp of team payments, with two keys of hers); s2 not.
    Each turn of s1 cost $0.0125, s3 $0.002; s2's model had no price.
    """
    blocked = response(2)
    blocked.blocks.append(BLOCKED_CALL)
    delivered = response(2)
    delivered.blocks = [Text("Doing step 2."), Text("A tool call was blocked by policy.")]
    delivered.stop_reason = "end_turn"
    usage = Usage(input_tokens=10, output_tokens=5)
    s1 = [
        record(0, id="s1-0", user_id="alice", usage=usage, cost_usd=0.0125, **ALICE_A),
        record(1, id="s1-1", user_id="alice", usage=usage, cost_usd=0.0125, **ALICE_A),
        record(
            2,
            id="s1-2",
            user_id="alice",
            **ALICE_A,
            usage=usage,
            cost_usd=0.0125,
            outcome=Outcome.BLOCKED,
            response=blocked,
            response_delivered=delivered,
            decisions=[Decision("tool_rules", "tool_call", "block", "rm -rf / destroys the disk")],
        ),
    ]
    s2 = record(
        0,
        id="s2-0",
        session_id="s2",
        user_id="bob",
        model="gpt-5",
        format=Format.OPENAI_CHAT,
        started_at=T0 + timedelta(hours=1),
        request={
            "model": "gpt-5",
            "messages": [{"role": "user", "content": "Where is the needle haystack?"}],
        },
        response=Response(format=Format.OPENAI_CHAT, model="gpt-5", blocks=[Text("Here.")]),
    )
    sent = claude_request(conversation(1))
    sent["messages"][0]["content"][0]["text"] = "[REDACTED]"
    s3 = [
        record(
            0,
            id="s3-0",
            session_id="s3",
            user_id="alice",
            **ALICE_C,
            model="claude-haiku-4-5",
            cost_usd=0.002,
            started_at=T0 + timedelta(hours=2),
            outcome=Outcome.MODIFIED,
            request_sent=sent,
            decisions=[Decision("redact", "request", "rewrite", "1 secret removed")],
        )
    ]
    await store.write([*s1, s2, *s3])


async def ids(client: Client, query: str, key: str | None = None) -> list[str]:
    response = await client.get(f"/api/sessions?{query}", headers=auth(key) if key else auth())
    assert response.status == 200, await response.text()
    return [s["id"] for s in (await response.json())["sessions"]]


async def test_sessions_are_listed_most_recent_first_with_totals(client: Client, store: Store):
    await seed(store)
    response = await client.get("/api/sessions", headers=auth())
    sessions = (await response.json())["sessions"]
    assert [s["id"] for s in sessions] == ["s3", "s2", "s1"]
    s1 = sessions[2]
    assert s1["exchanges"] == 3
    assert s1["modified"] == 1
    assert s1["models"] == ["claude-sonnet-4-5"]
    assert s1["input_tokens"] == 30
    assert s1["user_id"] == "alice"
    assert s1["title"].startswith("Step 0: do it")


async def test_filters_by_user_model_time_and_policy_changes(client: Client, store: Store):
    await seed(store)
    assert await ids(client, "user=alice") == ["s3", "s1"]
    assert await ids(client, "model=gpt-5") == ["s2"]
    assert await ids(client, "modified=true") == ["s3", "s1"]
    assert await ids(client, "modified=false") == ["s2"]
    since = (T0 + timedelta(minutes=30)).isoformat()
    assert await ids(client, f"since={since}".replace("+", "%2B")) == ["s3", "s2"]
    until = (T0 + timedelta(minutes=90)).isoformat().replace("+00:00", "")
    assert await ids(client, f"until={until}") == ["s2", "s1"]
    assert await ids(client, "user=alice&model=claude-haiku-4-5") == ["s3"]


async def test_filters_by_authenticated_user_team_and_key(client: Client, store: Store):
    await seed(store)
    assert await ids(client, "auth_user=alice%40corp") == ["s3", "s1"]
    assert await ids(client, "team=payments") == ["s3", "s1"]
    assert await ids(client, "key_id=key_cccccccccccc") == ["s3"]
    assert await ids(client, "team=payments&key_id=key_aaaaaaaaaaaa") == ["s1"]
    assert await ids(client, "auth_user=alice") == []  # the body's user id is not who called
    assert await ids(client, "team=research") == []
    assert await ids(client, "key_id=key_cccccccccccc&model=gpt-5") == []


async def test_an_exchange_names_who_made_it(client: Client, store: Store):
    await seed(store)
    made = await (await client.get("/api/exchanges/s3-0", headers=auth())).json()
    assert (made["user"], made["team"], made["key_id"]) == (
        "alice@corp", "payments", "key_cccccccccccc"
    )  # fmt: skip
    anonymous = await (await client.get("/api/exchanges/s2-0", headers=auth())).json()
    assert (anonymous["user"], anonymous["team"], anonymous["key_id"]) == (None, None, None)


async def test_search_finds_words_in_messages_and_responses(client: Client, store: Store):
    await seed(store)
    assert await ids(client, "q=needle") == ["s2"]
    assert await ids(client, "q=NEEDLE") == ["s2"]
    assert await ids(client, "q=Here") == ["s2"]  # the response's text
    assert await ids(client, "q=zebra") == []


async def test_a_cursor_walks_every_session_once(client: Client, store: Store):
    await seed(store)
    seen, cursor = [], ""
    for _ in range(5):
        response = await client.get(f"/api/sessions?limit=1&cursor={cursor}", headers=auth())
        page = await response.json()
        seen += [s["id"] for s in page["sessions"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["s3", "s2", "s1"]


async def test_bad_parameters_are_400_naming_them(client: Client, store: Store):
    for query, word in [
        ("cursor=nonsense", "cursor"),
        ("limit=0", "limit"),
        ("limit=many", "limit"),
        ("since=yesterday", "since"),
        ("modified=maybe", "modified"),
    ]:
        response = await client.get(f"/api/sessions?{query}", headers=auth())
        assert response.status == 400, query
        assert (await response.json())["error"].startswith(word)


async def test_a_session_reads_as_a_transcript_in_order(client: Client, store: Store):
    await seed(store)
    response = await client.get("/api/sessions/s1", headers=auth())
    body = await response.json()
    assert body["session"]["id"] == "s1"
    assert [m["role"] for m in body["messages"]] == [
        "user",
        "assistant",
        "user",
        "assistant",
        "user",
    ]
    assert body["messages"][1]["blocks"][1] == {
        "type": "tool_call",
        "id": "toolu_0",
        "name": "Tool1",
        "arguments": '{"path":"/a"}',
    }
    assert [x["messages"] for x in body["exchanges"]] == [[0, 1], [1, 3], [3, 5]]
    last = body["exchanges"][2]
    assert last["outcome"] == "blocked"
    assert last["decisions"][0]["reason"] == "rm -rf / destroys the disk"
    assert last["response_delivered"]["stop_reason"] == "end_turn"


async def test_markdown_export_reads_as_a_conversation(client: Client, store: Store):
    await seed(store)
    response = await client.get("/api/sessions/s1/export.md", headers=auth())
    assert response.status == 200
    assert response.content_type == "text/markdown"
    assert 'filename="session-s1.md"' in response.headers["Content-Disposition"]
    text = await response.text()
    assert text.startswith("# Session s1\n")
    assert text.count("## Turn ") == 3
    assert "**Tool call** `Tool1`" in text
    assert "> **tool_rules: block** (tool_call)\n> rm -rf / destroys the disk" in text
    # Turn 3 shows what the client got: the refusal text, not the blocked call.
    delivered = text.split("## Turn 3")[1].split("### assistant (response)")[1].split("> **")[0]
    assert "A tool call was blocked by policy." in delivered
    assert "Bash" not in delivered


async def test_jsonl_export_has_every_message_once_then_each_exchange(client: Client, store: Store):
    await seed(store)
    response = await client.get("/api/sessions/s1/export.jsonl", headers=auth())
    lines = [json.loads(line) for line in (await response.text()).splitlines()]
    assert [line["type"] for line in lines] == [
        "session",
        "message",
        "exchange",
        "message",
        "message",
        "exchange",
        "message",
        "message",
        "exchange",
    ]
    messages = [line for line in lines if line["type"] == "message"]
    assert [m["seq"] for m in messages] == [0, 1, 2, 3, 4]
    assert messages[0]["message"] == conversation(1)[0]  # as the client sent it


async def test_an_exchange_shows_what_policy_changed(client: Client, store: Store):
    await seed(store)
    blocked = await (await client.get("/api/exchanges/s1-2", headers=auth())).json()
    assert blocked["diff"]["request"] is None
    assert '-      "name": "Bash",' in blocked["diff"]["response"]
    assert '+      "text": "A tool call was blocked by policy.",' in blocked["diff"]["response"]
    assert blocked["request"]["messages"] == claude_request(conversation(3))["messages"]
    modified = await (await client.get("/api/exchanges/s3-0", headers=auth())).json()
    assert modified["request_sent"]["messages"][0]["content"][0]["text"] == "[REDACTED]"
    assert '+          "text": "[REDACTED]"' in modified["diff"]["request"]
    assert modified["diff"]["response"] is None


async def test_unknown_session_and_exchange_are_404(client: Client, store: Store):
    for path in ["/api/sessions/nope", "/api/sessions/nope/export.md", "/api/exchanges/nope"]:
        response = await client.get(path, headers=auth())
        assert response.status == 404
        assert "nope" in (await response.json())["error"]


async def test_every_api_call_needs_a_key(client: Client, store: Store):
    for headers in [{}, auth("wrong"), {"Authorization": "Basic YWRtaW4="}]:
        response = await client.get("/api/sessions", headers=headers)
        assert response.status == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert await ids(client, "", VIEWER_KEY) == []  # a viewer reads
    for path in ["/healthz", "/readyz", "/metrics"]:
        assert (await client.get(path)).status == 200, path


async def test_a_non_ascii_bearer_key_is_a_401(client: Client, store: Store):
    for key in ["clé", "\u2603" * 50]:
        headers = {"Authorization": "Bearer " + key}
        response = await client.get("/api/sessions", headers=headers)
        assert response.status == 401
    raw = {"Authorization": "Bearer caf\xe9".encode().decode("latin-1")}
    assert (await client.get("/api/sessions", headers=raw)).status == 401


async def test_wrong_bearer_keys_are_throttled_then_429(client: Client, store: Store):
    for _ in range(10):
        assert (await client.get("/api/sessions", headers=auth("guess"))).status == 401
    response = await client.get("/api/sessions", headers=auth())
    assert response.status == 429
    assert int(response.headers["Retry-After"]) > 0
    for path in ["/healthz", "/readyz", "/metrics"]:  # the probes stay open
        assert (await client.get(path)).status == 200, path


async def test_without_a_key_the_history_api_is_off(make_client: Any, store: Store):
    client = await make_client(store, key=None, viewer_key=None)
    assert (await client.get("/api/sessions", headers=auth())).status == 401
    assert (await client.get("/healthz")).status == 200


async def test_demo_mode_needs_no_key(make_client: Any, store: Store):
    client = await make_client(store, key=None, viewer_key=None, demo=True)
    assert (await client.get("/api/sessions")).status == 200


async def test_responses_carry_security_headers(client: Client, store: Store):
    for path in ["/api/sessions", "/api/sessions/nope"]:
        response = await client.get(path, headers=auth())
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


async def seed_claude_code(store: Store) -> None:
    """cc-git: real Claude Code in a git repository on feature/insights; cc-scratch: in a
    folder that is no repository."""
    await store.write(
        [
            record(
                0, id="cc-git-0", session_id="cc-git", request=recorded_claude_code("git_branch")
            ),
            record(
                0,
                id="cc-scratch-0",
                session_id="cc-scratch",
                request=recorded_claude_code("no_git"),
            ),
        ]
    )


async def test_sessions_say_where_claude_code_ran_and_filter_on_it(
    client: Client, store: Store
) -> None:
    await seed_claude_code(store)
    assert await ids(client, "git_branch=feature%2Finsights") == ["cc-git"]
    assert await ids(client, "cwd=%2Ftmp%2Fins%2Fhome2%2Fscratch") == ["cc-scratch"]
    assert await ids(client, "platform=linux&git_branch=main") == []
    listed = await client.get("/api/sessions?git_branch=feature/insights", headers=auth(VIEWER_KEY))
    [session] = (await listed.json())["sessions"]
    assert {k: session[k] for k in ("cwd", "platform", "git_repo", "git_branch", "title")} == {
        "cwd": "/tmp/ins/home/project",
        "platform": "linux",
        "git_repo": True,
        "git_branch": "feature/insights",
        "title": "say hi",  # the first prompt, without the context Claude Code attached
    }
    assert session["title_source"] == "prompt"
    transcript = await (
        await client.get("/api/sessions/cc-scratch", headers=auth(VIEWER_KEY))
    ).json()
    assert transcript["session"]["git_repo"] is False
    assert transcript["session"]["cwd"] == "/tmp/ins/home2/scratch"
    assert transcript["session"]["title"] is None
    exported = await client.get("/api/sessions/cc-git/export.md", headers=auth(VIEWER_KEY))
    markdown = await exported.text()
    assert "- Working directory: `/tmp/ins/home/project`" in markdown
    assert "- Branch: `feature/insights`" in markdown


async def test_a_session_downloads_as_a_claude_code_transcript(
    client: Client, store: Store
) -> None:
    await seed_claude_code(store)
    response = await client.get(
        "/api/sessions/cc-git/export.claude.jsonl?cwd=/home/ada/widgets", headers=auth(VIEWER_KEY)
    )
    assert response.status == 200
    assert response.headers["X-Claude-Code-Project"] == "~/.claude/projects/-home-ada-widgets"
    lines = [json.loads(line) for line in (await response.text()).splitlines()]
    assert [line["type"] for line in lines] == ["user", "attachment", "assistant"]
    assert {line["cwd"] for line in lines} == {"/home/ada/widgets"}
    name = response.headers["Content-Disposition"].split('"')[1]
    assert name == f"{lines[0]['sessionId']}.jsonl"
    await store.write([record(0)])  # s1, whose client never said where it ran
    where = await client.get("/api/sessions/s1/export.claude.jsonl", headers=auth(VIEWER_KEY))
    assert where.status == 400
    assert "give one" in (await where.json())["error"]
