"""Sidecar CPU per streamed event, translated against same-format, with the same chain (a
tool-reading policy, ``no_sudo``), in one process.

    python -m bench.translation [--events 400] [--arguments 1] [--rounds 30] [--text]
                                [--obfuscated] [--profile CASE]

Seven cases: an Anthropic Messages client on an Anthropic backend (same format) and on an
OpenAI Chat Completions backend (translated); a Chat client on a Chat backend and on an
Anthropic backend; a Responses client on a Responses backend (the stream written by the
gateway's own translator, which the tests hold to OpenAI's), on an Anthropic backend and on
a Chat backend. Each backend streams the same answer: ``--events`` text deltas,
then one tool call (allowed: ``ls -la`` in one piece, or with ``--arguments N`` a Write whose
arguments stream in N pieces, as an agent writing a file does) and the stop. Each round
feeds the upstream's whole response through an :class:`Exchange` in 4 KiB chunks, as Envoy
would; the figure is process CPU time per upstream event, best of the rounds, and the ratio
of each translated case to its client's same-format case. ``--obfuscated``: each Chat chunk
ends in ``"obfuscation"`` padding of random length, as OpenAI's own API sends it.
``--profile CASE`` prints a cProfile of that case instead.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import random
import string
from typing import Any

from bench.inprocess import messages, response_cpu, servicer_cpu, sse_writes
from sluice.config import GatewayConfig
from sluice.model import Format
from sluice.sidecar.chains import ChainSet
from sluice.sidecar.exchange import Exchange
from sluice.sidecar.llm_client import ModelClients
from sluice.sidecar.routes import RouteTable
from sluice.sidecar.server import ExtProcServer
from sluice.sidecar.translate import translation_for

_COMMAND = '{"command": "ls -la"}'


def _word(i: int) -> str:
    return f"word {i} of a longer answer, "


def _arguments(pieces: int) -> tuple[str, list[str]]:
    """The tool called and its arguments in ``pieces`` pieces."""
    if pieces <= 1:
        return "Bash", [_COMMAND]
    words = [_word(i) for i in range(pieces - 2)]
    return "Write", ['{"file_path": "notes.txt", "content": "', *words, '"}']


def anthropic_stream(count: int, arguments: int = 1) -> bytes:
    """An Anthropic Messages stream: ``count`` text deltas, one tool call (its arguments
    in ``arguments`` pieces), the end."""
    name, pieces = _arguments(arguments)
    tool = {"type": "tool_use", "id": "toolu_1", "name": name, "input": {}}
    message: dict[str, Any] = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-6",
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 1},
    }
    events: list[dict[str, Any]] = [
        {"type": "message_start", "message": message},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    ]
    events += [
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "text_delta", "text": _word(i)},
        }
        for i in range(count)
    ]
    events += [
        {"type": "content_block_stop", "index": 0},
        {"type": "content_block_start", "index": 1, "content_block": tool},
    ]
    events += [
        {
            "type": "content_block_delta",
            "index": 1,
            "delta": {"type": "input_json_delta", "partial_json": piece},
        }
        for piece in pieces
    ]
    events += [
        {"type": "content_block_stop", "index": 1},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "tool_use", "stop_sequence": None},
            "usage": {"output_tokens": count},
        },
        {"type": "message_stop"},
    ]
    return b"".join(
        f"event: {e['type']}\ndata: {json.dumps(e, separators=(',', ':'))}\n\n".encode()
        for e in events
    )


def chat_stream(count: int, arguments: int = 1, obfuscated: bool = False) -> bytes:
    """The same answer as a Chat Completions stream (with its usage chunk and ``[DONE]``);
    ``obfuscated``: every chunk padded as OpenAI pads it."""
    name, pieces = _arguments(arguments)
    head = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "m"}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return {**head, "choices": [choice]}

    call = {
        "index": 0,
        "id": "call_1",
        "type": "function",
        "function": {"name": name, "arguments": ""},
    }
    chunks = [chunk({"role": "assistant", "content": ""})]
    chunks += [chunk({"content": _word(i)}) for i in range(count)]
    chunks.append(chunk({"tool_calls": [call]}))
    chunks += [
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}) for piece in pieces
    ]
    chunks += [
        chunk({}, "tool_calls"),
        {**head, "choices": [], "usage": {"prompt_tokens": 10, "completion_tokens": count}},
    ]
    if obfuscated:
        pad = random.Random(0)
        for c in chunks:
            c["obfuscation"] = "".join(pad.choices(string.ascii_letters, k=pad.randint(1, 16)))
    lines = [f"data: {json.dumps(c, separators=(',', ':'))}\n\n" for c in chunks]
    return ("".join(lines) + "data: [DONE]\n\n").encode()


def _events(stream: bytes) -> int:
    return stream.count(b"\n\n")


_ANTHROPIC_BODY = {
    "model": "claude-sonnet-4-6",
    "max_tokens": 1024,
    "stream": True,
    "messages": [{"role": "user", "content": "hi"}],
}
_CHAT_BODY = {
    "model": "gpt-5",
    "stream": True,
    "stream_options": {"include_usage": True},
    "messages": [{"role": "user", "content": "hi"}],
}
_RESPONSES_BODY = {"model": "gpt-5", "stream": True, "input": "hi"}
# name: (client path, client body, whether the backend speaks the other format)
CASES: dict[str, tuple[str, dict[str, Any], bool]] = {
    "anthropic": ("/v1/messages", _ANTHROPIC_BODY, False),
    "anthropic<-chat": ("/v1/messages", _ANTHROPIC_BODY, True),
    "chat": ("/v1/chat/completions", _CHAT_BODY, False),
    "chat<-anthropic": ("/v1/chat/completions", _CHAT_BODY, True),
    "responses": ("/v1/responses", _RESPONSES_BODY, False),
    "responses<-anthropic": ("/v1/responses", _RESPONSES_BODY, True),
    "responses<-chat": ("/v1/responses", {**_RESPONSES_BODY, "model": "gpt-5-mini"}, True),
}
_CLIENTS = ("anthropic", "chat", "responses")


def responses_stream(anthropic: bytes) -> bytes:
    """The same answer as OpenAI's Responses API streams it (written by the gateway's own
    Anthropic-to-Responses translator, whose output the tests hold to OpenAI's)."""
    translation = translation_for(Format.OPENAI_RESPONSES, Format.ANTHROPIC)
    assert translation is not None
    translation.request(dict(_RESPONSES_BODY))
    translator = translation.response(200, streamed=True)
    return translator.feed(anthropic) + translator.close()


def gateway(text: bool) -> GatewayConfig:
    """claude-sonnet-4-6 on /v1/messages goes to a Chat provider, gpt-5 on
    /v1/chat/completions to an Anthropic one; every other model stays in its route's
    format."""
    policies: list[dict[str, Any]] = [{"name": "no_sudo:NoSudo"}]
    if text:  # a policy that reads the text too: every delta is parsed
        policies.append({"name": "redact"})
    routes = [
        {
            "path": "/v1/messages",
            "format": "anthropic",
            "provider": "anthropic",
            "models": [{"model": "claude-sonnet-4-6", "provider": "local", "upstream_model": "q"}],
        },
        {
            "path": "/v1/chat/completions",
            "format": "openai_chat",
            "provider": "openai",
            "models": [{"model": "gpt-5", "provider": "claude", "upstream_model": "claude"}],
        },
        {
            "path": "/v1/responses",
            "format": "openai_responses",
            "provider": "openai",
            "models": [
                {"model": "gpt-5", "provider": "claude", "upstream_model": "claude"},
                {"model": "gpt-5-mini", "provider": "local", "upstream_model": "q"},
            ],
        },
    ]
    url = "https://upstream.example"
    return GatewayConfig.model_validate(
        {
            "store_url": None,
            "policy_paths": ["examples/policies"],
            "policies": policies,
            "routes": routes,
            "providers": {
                "anthropic": {"base_url": url},
                "openai": {"base_url": url},
                "local": {"base_url": url, "format": "openai_chat"},
                "claude": {"base_url": url, "format": "anthropic"},
            },
        }
    )


def _same(path: str, body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with a model that the route's own provider serves."""
    return {**body, "model": "claude-haiku-4-5" if path == "/v1/messages" else "gpt-4.1"}


async def _round(config: GatewayConfig, routes: RouteTable, case: str, upstream: bytes) -> float:
    path, body, translated = CASES[case]
    sent = json.dumps(body if translated else _same(path, body)).encode()
    exchange = Exchange(ChainSet(config, ModelClients()))
    await exchange.on_request_headers(routes, {":path": path, "x-api-key": "k"})
    await exchange.on_request_body(sent)
    assert (exchange._translation is not None) == translated, case
    return await response_cpu(exchange, upstream, "text/event-stream")


async def _servicer_round(
    config: GatewayConfig, routes: RouteTable, case: str, upstream: bytes
) -> float:
    """Seconds of CPU per upstream event, the exchange driven through the ext_proc
    servicer, one message per provider write."""
    path, body, translated = CASES[case]
    sent = json.dumps(body if translated else _same(path, body)).encode()
    writes = sse_writes(upstream)
    serialised = messages(path, {"x-api-key": "k"}, sent, "text/event-stream", writes)
    servicer = ExtProcServer(routes, ChainSet(config, ModelClients()))
    return await servicer_cpu(servicer, serialised, repeat=5) / len(writes)


def upstreams(events: int, arguments: int, obfuscated: bool = False) -> dict[str, bytes]:
    """Each case's upstream response."""
    anthropic = anthropic_stream(events, arguments)
    chat = chat_stream(events, arguments, obfuscated)
    return {
        "anthropic": anthropic,
        "anthropic<-chat": chat,
        "chat": chat,
        "chat<-anthropic": anthropic,
        "responses": responses_stream(anthropic),
        "responses<-anthropic": anthropic,
        "responses<-chat": chat,
    }


async def main(
    events: int,
    arguments: int,
    rounds: int,
    text: bool,
    obfuscated: bool = False,
    servicer: bool = False,
) -> dict[str, float]:
    config = gateway(text)
    routes = RouteTable(config.routes, config.providers)
    best: dict[str, float] = {}
    for case, upstream in upstreams(events, arguments, obfuscated).items():
        if servicer:
            times = [await _servicer_round(config, routes, case, upstream) for _ in range(rounds)]
            best[case] = min(times) * 1e6
        else:
            times = [await _round(config, routes, case, upstream) for _ in range(rounds)]
            best[case] = min(times) / _events(upstream) * 1e6
        print(
            f"{case:16s} {best[case]:7.2f} us CPU per upstream event "
            f"({_events(upstream)} events, best of {rounds})"
        )
    for client in _CLIENTS:
        for translated in (case for case in best if case.startswith(f"{client}<-")):
            print(f"ratio {translated}/{client}: {best[translated] / best[client]:.2f}")
    return best


async def _profile(
    case: str, events: int, arguments: int, rounds: int, text: bool, obfuscated: bool
) -> None:
    config = gateway(text)
    routes = RouteTable(config.routes, config.providers)
    upstream = upstreams(events, arguments, obfuscated)[case]
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        await _round(config, routes, case, upstream)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.translation", description=__doc__)
    parser.add_argument("--events", type=int, default=400, help="text deltas per response")
    parser.add_argument(
        "--arguments", type=int, default=1, help="pieces of the tool call's arguments"
    )
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--text", action="store_true", help="add redact (reads text)")
    parser.add_argument("--obfuscated", action="store_true", help="pad Chat chunks as OpenAI does")
    parser.add_argument("--profile", choices=list(CASES), help="profile one case instead")
    parser.add_argument(
        "--servicer",
        action="store_true",
        help="through the ext_proc servicer, one message per provider write",
    )
    args = parser.parse_args()
    shape = (args.events, args.arguments, args.rounds, args.text, args.obfuscated)
    if args.profile:
        asyncio.run(_profile(args.profile, *shape))
    else:
        asyncio.run(main(*shape, servicer=args.servicer))
