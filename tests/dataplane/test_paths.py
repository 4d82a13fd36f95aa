"""No path around the sidecar: every spelling of an LLM path is enforced or refused.

Each spelling goes to a gateway whose chain redacts secrets from what is sent and blocks
dangerous tool calls in what comes back, with a fake upstream that decodes percent-escapes
as a real provider may. A spelling is either enforced (the provider received the canonical
path with the secret redacted, the client got the tool call blocked, the event log holds
the exchange) or refused in the client's own error format with nothing sent upstream.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import anthropic
import openai
import pytest

from sluice.model import Format
from sluice.schema import async_url
from sluice.store import Store
from tests.dataplane.clients import anthropic_client, openai_client
from tests.dataplane.conftest import track
from tests.harness import FakeUpstream, Gateway, gateway_config, short_tempdir, start_gateway

SECRET = "sk-ant-api03-" + "Qv7" * 30
RM_ROOT = {"name": "Bash", "arguments": {"command": "rm -rf / --no-preserve-root"}}
BLOCKED = "Sluice blocked a tool call."
PATHS = {
    Format.ANTHROPIC: "/v1/messages",
    Format.OPENAI_CHAT: "/v1/chat/completions",
    Format.OPENAI_RESPONSES: "/v1/responses",
}
PROMPT = f"Deploy with the key {SECRET}, then clean up."
BODIES: dict[Format, dict[str, Any]] = {
    Format.ANTHROPIC: {
        "model": "claude-sonnet-4-6",
        "max_tokens": 256,
        "messages": [{"role": "user", "content": PROMPT}],
    },
    Format.OPENAI_CHAT: {"model": "gpt-5.5", "messages": [{"role": "user", "content": PROMPT}]},
    Format.OPENAI_RESPONSES: {"model": "gpt-5.5", "input": PROMPT},
}
FAKE = {"x-fake-script": "tools", "x-fake-tool": json.dumps([RM_ROOT])}
HEADERS = {
    Format.ANTHROPIC: {"anthropic-version": "2023-06-01", "x-api-key": "sk-ant-test"},
    Format.OPENAI_CHAT: {"authorization": "Bearer sk-test"},
    Format.OPENAI_RESPONSES: {"authorization": "Bearer sk-test"},
}
FORMATS = pytest.mark.parametrize("fmt", list(Format), ids=[f.value for f in Format])

ENFORCED = "enforced"


@pytest.fixture(scope="module")
def guarded(upstream: FakeUpstream) -> Iterator[Gateway]:
    with short_tempdir() as base:
        policies = [{"name": "redact"}, {"name": "tool_rules"}]
        config = gateway_config(upstream.url, base / "run", policies=policies)
        with track(start_gateway(base, config)) as gateway:
            yield gateway


@pytest.fixture(autouse=True)
def _clear(upstream: FakeUpstream) -> None:
    upstream.clear()


def spellings(path: str) -> dict[str, int | str]:
    """Other ways to write ``path`` (the request target as sent) and what must happen:
    ``ENFORCED``, or the status of the refusal."""
    expected: dict[str, int | str] = {}
    for i, char in enumerate(path):
        if char != "/":
            for escape in (f"%{ord(char):02x}", f"%{ord(char):02X}"):
                expected[path[:i] + escape + path[i + 1 :]] = ENFORCED
    folders = path.split("/")
    every = "/".join("".join(f"%{ord(c):02X}" for c in folder) for folder in folders)
    rest = path.removeprefix("/v1/")
    expected |= {
        path: ENFORCED,
        every: ENFORCED,
        "/" + path: ENFORCED,
        path.replace("/", "//"): ENFORCED,
        f"/v1/./{rest}": ENFORCED,
        f"/v1/x/../{rest}": ENFORCED,
        f"/v1/x/%2e%2e/{rest}": ENFORCED,
        f"/v1/models/../{rest}": ENFORCED,  # through a passthrough folder
        f"{path}?beta=true": ENFORCED,
        path.upper(): 404,  # paths are case-sensitive: an unknown path
        path.title(): 404,
        f"{path}/": 404,  # a trailing slash names another (unknown) endpoint
        f"{path};x": 404,
        f"{path}%3F": 404,
        f"{path}/%2e": 404,  # the dot segment goes, its slash stays: a trailing slash
        f"/v1%2f{rest}": 400,  # an escaped slash is refused outright
        f"/v1%2F{rest}": 400,
        f"{path}%2f": 400,
        f"/v1%5c{rest}": 400,
        f"{path}#x": 400,
    }
    return expected


@dataclass
class Answer:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def send(
    gateway: Gateway, method: str, target: str, body: bytes, headers: dict[str, str]
) -> Answer:
    """One request with the target exactly as given (no client-side normalisation)."""
    listener = gateway.config["listener"]
    connection = http.client.HTTPConnection(listener["address"], listener["port"], timeout=60)
    try:
        connection.request(method, target, body=body, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.read())
    finally:
        connection.close()


def in_client_format(fmt: Format, answer: Answer) -> str | None:
    """What is wrong with ``answer`` as an error in ``fmt``'s format (None: nothing)."""
    try:
        body = answer.json()
    except ValueError:
        return f"not JSON: {answer.body[:200]!r}"
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or not str(error.get("message", "")).startswith("Sluice"):
        return f"no gateway error: {body}"
    if fmt is Format.ANTHROPIC and (body.get("type") != "error" or "type" not in error):
        return f"not an Anthropic error: {body}"
    if fmt is not Format.ANTHROPIC and "type" in body:
        return f"not an OpenAI error: {body}"
    return None


def tool_calls(fmt: Format, body: dict[str, Any]) -> list[Any]:
    """The tool calls a whole (non-streamed) response of ``fmt`` delivers."""
    if fmt is Format.ANTHROPIC:
        return [block for block in body["content"] if block["type"] == "tool_use"]
    if fmt is Format.OPENAI_CHAT:
        return [
            call for choice in body["choices"] for call in choice["message"].get("tool_calls") or []
        ]
    return [item for item in body["output"] if item["type"] == "function_call"]


def check(
    gateway: Gateway, upstream: FakeUpstream, fmt: Format, target: str, expected: int | str
) -> str | None:
    """Send ``fmt``'s request to ``target``; what went wrong (None: as expected)."""
    upstream.clear()
    body = json.dumps(BODIES[fmt]).encode()
    headers = HEADERS[fmt] | FAKE | {"content-type": "application/json"}
    answer = send(gateway, "POST", target, body, headers)
    received = upstream.requests()
    leaked = [r["path"] for r in received if SECRET in r["body"]]
    if leaked:
        return f"the provider received the secret unredacted at {leaked}"
    if expected == ENFORCED:
        if answer.status != 200:
            return f"expected enforcement, got {answer.status} {answer.body[:300]!r}"
        if [r["path"].partition("?")[0] for r in received] != [PATHS[fmt]]:
            return f"the provider received {[r['path'] for r in received]}"
        if "[REDACTED:" not in received[0]["body"]:
            return "the request reached the provider without redaction"
        calls = tool_calls(fmt, answer.json())
        if calls or BLOCKED not in answer.body.decode():
            return f"the tool call was not blocked: {calls}"
        return None
    if answer.status != expected:
        return f"expected {expected}, got {answer.status} {answer.body[:300]!r}"
    if received:
        return f"refused, yet the provider received {[r['path'] for r in received]}"
    return in_client_format(fmt, answer)


async def recorded_since(gateway: Gateway, since: datetime, count: int) -> list[str | None]:
    """The routes of the exchanges the event log holds from ``since`` (waits for ``count``)."""
    url = f"sqlite:///{gateway.config_path.parent}/var/sluice.db"
    async with Store(async_url(url)) as store:
        for _ in range(200):
            found = await store.recent_exchanges(since, limit=1000)
            if len(found) >= count:
                break
            await asyncio.sleep(0.05)
    return [activity.route for activity in found]


@FORMATS
async def test_every_spelling_of_an_llm_path_is_enforced_or_refused(
    guarded: Gateway, upstream: FakeUpstream, fmt: Format
) -> None:
    since = datetime.now(UTC)
    table = spellings(PATHS[fmt])
    problems = {
        target: problem
        for target, expected in table.items()
        if (problem := check(guarded, upstream, fmt, target, expected)) is not None
    }
    assert problems == {}
    enforced = sum(expected == ENFORCED for expected in table.values())
    assert enforced > len(PATHS[fmt])  # every letter escaped, and more
    # Every enforced spelling is in the event log, under the canonical path.
    assert await recorded_since(guarded, since, enforced) == [PATHS[fmt]] * enforced


@FORMATS
async def test_a_websocket_upgrade_is_refused_with_426(
    guarded: Gateway, upstream: FakeUpstream, fmt: Format
) -> None:
    """Codex tries a WebSocket first and falls back to HTTPS at once on a 426."""
    upgrade = {
        "connection": "Upgrade",
        "upgrade": "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
    }
    answer = send(guarded, "GET", PATHS[fmt], b"", HEADERS[fmt] | upgrade)
    assert answer.status == 426
    assert in_client_format(fmt, answer) is None
    assert "WebSocket" in answer.json()["error"]["message"]
    assert upstream.requests() == []


async def test_unknown_endpoints_are_not_found_for_both_sdks(
    guarded: Gateway, upstream: FakeUpstream
) -> None:
    async with anthropic_client(guarded.url) as client:
        with pytest.raises(anthropic.NotFoundError) as anthropic_error:
            await client.beta.files.list()
    async with openai_client(guarded.url) as client:
        with pytest.raises(openai.NotFoundError) as openai_error:
            await client.files.list()
    assert anthropic_error.value.body["error"]["type"] == "not_found_error"  # type: ignore[index]
    assert "GET /v1/files" in anthropic_error.value.message
    assert "GET /v1/files" in openai_error.value.message
    assert upstream.requests() == []


@FORMATS
async def test_llm_paths_take_post_only(
    guarded: Gateway, upstream: FakeUpstream, fmt: Format
) -> None:
    """A GET (OpenAI's list of stored completions) has no body for the sidecar to read."""
    answer = send(guarded, "GET", PATHS[fmt], b"", HEADERS[fmt])
    assert answer.status == 404
    assert in_client_format(fmt, answer) is None
    assert f"GET {PATHS[fmt]}" in answer.json()["error"]["message"]
    assert upstream.requests() == []


async def test_known_endpoints_still_pass_through(guarded: Gateway, upstream: FakeUpstream) -> None:
    async with anthropic_client(guarded.url) as client:
        with pytest.raises(anthropic.NotFoundError):  # the fake upstream knows no such model
            await client.models.retrieve("claude-x")
        counted = await client.messages.count_tokens(
            model="claude-sonnet-4-6", messages=[{"role": "user", "content": "hello"}]
        )
    assert counted.input_tokens > 0
    paths = [r["path"].partition("?")[0] for r in upstream.requests()]
    assert paths == ["/v1/models/claude-x", "/v1/messages/count_tokens"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/v1/messages"), ("GET", "/v1/models"), ("HEAD", "/")],
    ids=["llm", "passthrough", "probe"],
)
async def test_client_sent_sluice_headers_never_reach_the_provider(
    guarded: Gateway, upstream: FakeUpstream, method: str, path: str
) -> None:
    headers = HEADERS[Format.ANTHROPIC] | {
        "content-type": "application/json",
        "x-sluice-provider": "openai",
        "x-sluice-chain": "none",
        "X-Sluice-Anything": "1",
        "x-fake-script": "text",
    }
    body = json.dumps(BODIES[Format.ANTHROPIC]).encode() if method == "POST" else b""
    answer = send(guarded, method, path, body, headers)
    assert answer.status == 200
    [received] = upstream.requests()
    assert received["method"] == method
    assert [name for name in received["headers"] if name.startswith("x-sluice")] == []
    assert "x-fake-script" in received["headers"]  # other headers do go through


async def test_a_request_whose_headers_never_end_gets_a_408(
    upstream: FakeUpstream,
) -> None:
    with short_tempdir() as base:
        config = gateway_config(upstream.url, base / "run", envoy={"request_headers_timeout_s": 1})
        with track(start_gateway(base, config)) as gateway:
            listener = gateway.config["listener"]
            with socket.create_connection((listener["address"], listener["port"])) as sock:
                sock.sendall(b"POST /v1/messages HTTP/1.1\r\nhost: x\r\nx-api-key: k\r\n")
                sock.settimeout(60)
                reply = sock.recv(4096)
    assert reply.startswith(b"HTTP/1.1 408")
    assert upstream.requests() == []
