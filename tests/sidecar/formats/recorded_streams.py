"""Recorded-style streams and what they decode to, plus factories shared by the format tests.

The ``recorded/*.sse`` files are written by hand the way the providers send them: text,
parallel tool calls with streamed argument pieces, thinking with its signature, usage, pings,
keepalive comments, CRLF line ends, error events, a final event without its blank line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import anthropic
import httpx2 as httpx
import openai

from sluice.model import Format, Response, Text, Thinking, ToolCall, Usage
from sluice.sidecar.formats import StreamDecoder, StreamPart, adapter_for
from sluice.sidecar.sse import SSEParser

RECORDED = Path(__file__).parent / "recorded"


@dataclass(frozen=True)
class Recording:
    name: str
    format: Format
    expected: Response  # what finish() returns after the whole stream

    @property
    def data(self) -> bytes:
        return (RECORDED / f"{self.name}.sse").read_bytes()

    def __str__(self) -> str:  # the pytest id
        return self.name


A, C, R = Format.ANTHROPIC, Format.OPENAI_CHAT, Format.OPENAI_RESPONSES
SONNET = "claude-sonnet-4-5-20250929"
THINKING_SIGNATURE = (
    "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds2DahU3D2lTfTg/YcYzbhUd92oxYnKBgBjwDcjvw"
    "6N3vWGUvMNkNaZmqX8GF6dTLHGvZpT3y4oB9RjcAJ8zU4OUlRPTtzBLQAZvtLaRY"
)
BASH = ToolCall(
    "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
    "Bash",
    '{"command": "ls -la src/", "description": "List files"}',
)
READ = ToolCall("toolu_01NRLabsLyVHZPKxbKvkfSMn", "Read", '{"file_path": "/repo/pyproject.toml"}')
WEATHER = ToolCall("call_Dz9W5lJ8e4Q3h2pYlBn4mU3a", "get_weather", '{"location": "Paris"}')
RM = ToolCall("call_3kPqZ8rT1vY6wX0bN2mL5cHd", "run_shell", '{"cmd": "rm -rf /tmp/build"}')
SUMMARY = (
    "**Planning the check**\n\nI should look up the weather and the forecast."
    "\n\n**Calling tools**\n\nTwo calls, in parallel."
)
ENCRYPTED = "gAAAAABo07KhQ2x9V1n8ZK3uYbT0sPq7mJ4wXcR2eD6fG8hI0jL5kM1nO3pQ=="

RECORDINGS = [
    Recording(
        "anthropic_text",
        A,
        Response(
            A,
            SONNET,
            "msg_01XFDUDYJgAACzvnptvVoYEL",
            [Text("Bonjour ! Voilà une réponse 🙂")],
            "end_turn",
            Usage(12, 14, 0, 0),
        ),
    ),
    Recording(
        "anthropic_thinking_tools",
        A,
        Response(
            A,
            "claude-opus-4-1-20250805",
            "msg_01Aq9w938a90dw8q",
            [
                Thinking(
                    "The user wants the tests run. "
                    "I'll list the files and read the config in parallel.",
                    THINKING_SIGNATURE,
                ),
                Text("Let me look around first."),
                BASH,
                READ,
            ],
            "tool_use",
            Usage(2095, 187, 15231, 1304, 41),
        ),
    ),
    Recording(
        "anthropic_server_tool",
        A,
        Response(
            A,
            SONNET,
            "msg_01WebSearch7g2",
            [
                Text("I'll search for that."),
                Text("Envoy's ext_proc filter streams bodies to a gRPC service."),
            ],
            "end_turn",
            Usage(2679, 92, 0, 0),
        ),
    ),
    Recording(
        "anthropic_error",
        A,
        Response(A, SONNET, "msg_01Overloaded12", [Text("Partial ans")], None, Usage(30, 1)),
    ),
    Recording(
        "openai_chat_text",
        C,
        Response(
            C,
            "gpt-4.1-2025-04-14",
            "chatcmpl-CJ7l7wZQmWdnDAbRmxv7aNPZVOwZK",
            [Text("Grüße aus Berlin 👋")],
            "end_turn",
            Usage(19, 8, cache_read_tokens=0, reasoning_tokens=0),
        ),
    ),
    Recording(
        "openai_chat_tools",
        C,
        Response(
            C,
            "o4-mini-2025-04-16",
            "chatcmpl-CJ8aQ2nP3xg6Yk1",
            [WEATHER, RM],
            "tool_use",
            Usage(1187, 203, cache_read_tokens=1024, reasoning_tokens=128),
        ),
    ),
    Recording(
        "openai_chat_error",
        C,
        Response(C, "gpt-4o-mini-2024-07-18", "chatcmpl-CJ9err", [Text("The answer is")]),
    ),
    Recording(
        "openai_responses_text",
        R,
        Response(
            R,
            "gpt-5-2025-08-07",
            "resp_68d3a1f0c2b48190a0b3c5d7e9f1a2b3",
            [Text("Hello, wörld! 🌍")],
            "end_turn",
            Usage(36, 87, cache_read_tokens=0, reasoning_tokens=64),
        ),
    ),
    Recording(
        "openai_responses_reasoning_tools",
        R,
        Response(
            R,
            "gpt-5-2025-08-07",
            "resp_68d3b2a0e1f28190c4d5e6f7a8b9c0d1",
            [
                Thinking(SUMMARY, ENCRYPTED),
                ToolCall(
                    "call_W8kPq2ZxN4vB6mR1tY3uJ5hL", "get_weather", '{"location":"Paris, France"}'
                ),
                ToolCall("call_K2jH4gF6dS8aP0oI9uY7tR5e", "shell", '{"command":["git","status"]}'),
            ],
            "tool_use",
            Usage(4210, 311, cache_read_tokens=3968, reasoning_tokens=256),
        ),
    ),
    Recording(
        "openai_responses_incomplete",
        R,
        Response(
            R,
            "gpt-4.1-2025-04-14",
            "resp_68d3c3b0f2a38190d5e6f7a8b9c0d1e2",
            [Text("The first part of a long")],
            "max_tokens",
            Usage(12, 16, cache_read_tokens=0, reasoning_tokens=0),
        ),
    ),
    Recording(
        "openai_responses_error",
        R,
        Response(
            R, "gpt-5-2025-08-07", "resp_68d3d4c0a3b48190e7f8a9b0c1d2e3f4", [Text("Working on it")]
        ),
    ),
]


def recording(name: str) -> Recording:
    return next(r for r in RECORDINGS if r.name == name)


def decode(
    fmt: Format, chunks: Iterable[bytes], decoder: StreamDecoder | None = None
) -> tuple[list[StreamPart], StreamDecoder]:
    """Feed ``chunks`` through a fresh SSE parser into ``decoder`` (a new one by default)."""
    decoder = decoder or adapter_for(fmt).stream_decoder()
    parser, parts = SSEParser(), []
    for chunk in chunks:
        for event in parser.feed(chunk):
            parts += decoder.feed(event)
    for event in parser.close():
        parts += decoder.feed(event)
    return parts, decoder


def wire(parts: Iterable[StreamPart]) -> bytes:
    """The bytes the parts carry, in order."""
    return b"".join(part.event.raw for part in parts if part.event is not None)


def _transport(status: int, body: bytes, content_type: str) -> httpx.Client:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"content-type": content_type})

    return httpx.Client(transport=httpx.MockTransport(answer))


def anthropic_client(body: bytes, status: int = 200, stream: bool = True) -> anthropic.Anthropic:
    """An official Anthropic client whose every request gets ``body`` back."""
    content_type = "text/event-stream" if stream else "application/json"
    http = _transport(status, body, content_type)
    return anthropic.Anthropic(api_key="sk-test", http_client=http, max_retries=0)


def openai_client(body: bytes, status: int = 200, stream: bool = True) -> openai.OpenAI:
    """An official OpenAI client whose every request gets ``body`` back."""
    content_type = "text/event-stream" if stream else "application/json"
    http = _transport(status, body, content_type)
    return openai.OpenAI(api_key="sk-test", http_client=http, max_retries=0)


def client_events(data: bytes) -> list[tuple[str | None, object]]:
    """The events a client reads from ``data``, their data parsed (however spelt)."""
    return [(e.event, json.loads(e.data or "null")) for e in SSEParser().feed(data)]
