"""The pages over a seeded store: sessions, a transcript, a diff, health; hostile text inert."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from sluice.model import Format, Response, Text, Thinking, ToolCall, Usage
from sluice.store import Decision, Outcome, Store
from tests.admin.test_history_api import seed_claude_code
from tests.store.factories import T0, record, response
from tests.ui.conftest import login

Client = TestClient[Any, Any]

XSS_PROMPT = (
    '<script>alert("xss")</script><img src=x onerror=alert(1)><a href="javascript:alert(2)">go</a>'
)
XSS_ARGS = '{"command": "<script>alert(3)</script>", "url": "javascript:alert(4)"}'


def blocked_turn(turn: int, **fields: Any) -> Any:
    original = response(turn)
    original.blocks = [
        Thinking("I should wipe the disk"),
        Text("Cleaning up."),
        ToolCall("toolu_bad", "Bash", '{"command": "rm -rf / --no-preserve-root"}'),
    ]
    delivered = response(turn)
    delivered.blocks = [Text("Cleaning up."), Text("Sluice blocked a tool call.")]
    delivered.stop_reason = "end_turn"
    return record(
        turn,
        outcome=Outcome.BLOCKED,
        response=original,
        response_delivered=delivered,
        decisions=[Decision("tool_rules", "tool_call", "block", "rm -rf / destroys the disk")],
        **fields,
    )


async def test_the_sessions_list_filters_and_pages(ui: Client, sqlite_store: Store) -> None:
    await sqlite_store.write(
        [
            record(0, id=f"s{i}-0", session_id=f"s{i}", started_at=T0 + timedelta(minutes=i))
            for i in range(60)
        ]
        + [blocked_turn(0, id="b-0", session_id="blocked", user_id="mallory")]
    )
    await login(ui)
    page = await (await ui.get("/sessions")).text()
    assert page.count('href="/sessions/s') == 50
    next_link = re.search(r'id="next-page" href="([^"]+)"', page)
    assert next_link
    older = await (await ui.get(next_link.group(1).replace("&amp;", "&"))).text()
    assert 'href="/sessions/s0"' in older
    modified = await (await ui.get("/sessions?modified=true")).text()
    assert 'href="/sessions/blocked"' in modified
    assert 'href="/sessions/s1"' not in modified
    by_user = await (await ui.get("/sessions?user=mallory&since=2026-01-01")).text()
    assert 'href="/sessions/blocked"' in by_user
    bad = await ui.get("/sessions?since=yesterday")
    assert bad.status == 200
    assert "since: not an ISO 8601 time" in await bad.text()


async def test_a_session_reads_as_a_transcript_with_decisions_and_blocked_calls(
    ui: Client, sqlite_store: Store
) -> None:
    await sqlite_store.write([record(0), blocked_turn(1)])
    await login(ui)
    page = await (await ui.get("/sessions/s1")).text()
    assert page.index("Turn 1") < page.index("Turn 2")
    assert '<details class="thinking"><summary>Thinking</summary>' not in page  # delivered had none
    assert 'class="tool-call blocked"' in page
    assert "rm -rf / --no-preserve-root" in page
    assert "tool_rules</strong> block" in page
    assert "rm -rf / destroys the disk" in page
    assert 'href="/exchanges/ex-1"' in page  # the original-versus-delivered diff
    assert 'href="/api/sessions/s1/export.md"' in page
    assert 'href="/api/sessions/s1/export.jsonl"' in page
    diff = await (await ui.get("/exchanges/ex-1")).text()
    assert '<span class="del">-' in diff
    assert "toolu_bad" in diff
    export = await ui.get("/api/sessions/s1/export.md")  # the cookie works for the exports
    assert export.status == 200
    assert "rm -rf / destroys the disk" in await export.text()


async def test_thinking_is_collapsed(ui: Client, sqlite_store: Store) -> None:
    answer = Response(
        format=Format.ANTHROPIC,
        model="m",
        blocks=[Thinking("let me think"), Text("Done.")],
        usage=Usage(1, 1),
    )
    await sqlite_store.write([record(0, response=answer)])
    await login(ui)
    page = await (await ui.get("/sessions/s1")).text()
    assert '<details class="thinking"><summary>Thinking</summary>' in page
    assert "let me think" in page


async def test_hostile_text_in_prompts_and_tool_arguments_is_inert(
    ui: Client, sqlite_store: Store
) -> None:
    request = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 10,
        "messages": [{"role": "user", "content": XSS_PROMPT}],
    }
    answer = response(0)
    answer.blocks = [Text(XSS_PROMPT), ToolCall("toolu_x", "Fetch<b>", XSS_ARGS)]
    await sqlite_store.write(
        [record(0, request=request, response=answer, user_id="<script>alert(5)</script>")]
    )
    await login(ui)
    for path in ("/sessions/s1", "/sessions", "/exchanges/ex-0", "/sessions?q=%3Cscript%3E"):
        page = await (await ui.get(path)).text()
        assert "<script>alert" not in page, path
        assert "<img src=x" not in page, path
        assert 'href="javascript:' not in page, path
        assert "<b>" not in page, path
    page = await (await ui.get("/sessions/s1")).text()
    assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in page
    assert "javascript:alert(4)" in page  # shown as text, never as a link
    assert "<script" not in page.replace('<script src="/static/', "")


async def test_the_health_page_shows_the_readiness_checks(ui: Client) -> None:
    await login(ui)
    page = await (await ui.get("/health")).text()
    assert "/readyz" in page
    assert "event log answered" in page
    assert "sidecar workers answering" in page


async def test_a_500_turn_session_renders_in_one_page(ui: Client, sqlite_store: Store) -> None:
    records = [record(turn) for turn in range(500)]
    for start in range(0, 500, 50):
        await sqlite_store.write(records[start : start + 50])
    await login(ui)
    started = time.perf_counter()
    page = await ui.get("/sessions/s1")
    elapsed = time.perf_counter() - started
    text = await page.text()
    assert page.status == 200
    assert text.count('<section class="turn') == 500
    assert "Turn 500" in text
    print(
        f"\n500-turn session: {elapsed * 1000:.0f} ms end to end, "
        f"server {page.headers['Server-Timing']}, {len(text) / 1e6:.1f} MB of HTML"
    )


async def test_sessions_show_where_claude_code_ran_and_filter_on_it(
    ui: Client, sqlite_store: Store
) -> None:
    await seed_claude_code(sqlite_store)
    await login(ui)
    page = await (await ui.get("/sessions")).text()
    assert ">say hi</a>" in page  # the prompt, not the git status Claude Code attached to it
    branch = re.search(r'<a class="badge branch" href="([^"]+)"[^>]*>feature/insights</a>', page)
    assert branch
    on_branch = await (await ui.get(branch.group(1).replace("&amp;", "&"))).text()
    assert 'href="/sessions/cc-git"' in on_branch
    assert 'href="/sessions/cc-scratch"' not in on_branch
    session = await (await ui.get("/sessions/cc-scratch")).text()
    assert "/tmp/ins/home2/scratch" in session
    assert "(not a git repository)" in session
    assert 'id="export-claude"' in session


async def test_a_model_title_names_the_session(ui: Client, sqlite_store: Store) -> None:
    await seed_claude_code(sqlite_store)
    await sqlite_store.save_title("cc-git", "Greeting <the> assistant", 2)
    await login(ui)
    page = await (await ui.get("/sessions")).text()
    assert '<a href="/sessions/cc-git">Greeting &lt;the&gt; assistant</a>' in page
    assert 'class="prompt-title"' in page  # cc-scratch: still its first prompt
    session = await (await ui.get("/sessions/cc-git")).text()
    assert "<h1>Greeting &lt;the&gt; assistant" in session


async def test_sessions_and_turns_show_what_they_cost(ui: Client, sqlite_store: Store) -> None:
    await sqlite_store.write(
        [
            record(0, cost_usd=0.0125),
            record(1, cost_usd=1.5),
            record(0, id="free", session_id="unpriced"),  # its model had no price
        ]
    )
    await login(ui)
    page = await (await ui.get("/sessions")).text()
    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(r'href="/sessions/(\w+)".*?class="num cost">([^<]*)<', page, re.S)
    }
    assert rows == {"s1": "$1.51", "unpriced": ""}
    session = await (await ui.get("/sessions/s1")).text()
    assert "tokens · $0.013" in session
    assert "tokens · $1.50" in session
