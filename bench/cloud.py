"""Sidecar CPU per streamed event: a Bedrock stream (event-stream decode, then the same
enforcement) against the same Anthropic stream, with the same chain, in one process.

    python -m bench.cloud [--events 400] [--rounds 30] [--text]

Each round feeds one response through an :class:`Exchange` in 4 KiB chunks, as Envoy would;
the figure is process CPU time per upstream event, best of the rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import time

from sluice.config import GatewayConfig
from sluice.sidecar.chains import ChainSet
from sluice.sidecar.eventstream import encode_message
from sluice.sidecar.exchange import Exchange
from sluice.sidecar.llm_client import ModelClients
from sluice.sidecar.routes import RouteTable

_CHUNK = 4096


def _events(count: int) -> list[dict[str, object]]:
    text = {"type": "text", "text": ""}
    tool = {"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {}}
    events: list[dict[str, object]] = [
        {
            "type": "message_start",
            "message": {
                "id": "m",
                "type": "message",
                "role": "assistant",
                "model": "claude",
                "content": [],
                "usage": {"input_tokens": 10, "output_tokens": 1},
            },
        },
        {"type": "content_block_start", "index": 0, "content_block": text},
    ]
    events += [
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "text_delta", "text": f"word {i} of a longer answer, "},
        }
        for i in range(count)
    ]
    events += [
        {"type": "content_block_stop", "index": 0},
        {"type": "content_block_start", "index": 1, "content_block": tool},
        {
            "type": "content_block_delta",
            "index": 1,
            "delta": {"type": "input_json_delta", "partial_json": '{"command": "ls -la"}'},
        },
        {"type": "content_block_stop", "index": 1},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "tool_use"},
            "usage": {"output_tokens": count},
        },
        {"type": "message_stop"},
    ]
    return events


def _sse(events: list[dict[str, object]]) -> bytes:
    return b"".join(
        f"event: {e['type']}\ndata: {json.dumps(e, separators=(',', ':'))}\n\n".encode()
        for e in events
    )


def _eventstream(events: list[dict[str, object]]) -> bytes:
    headers = {
        ":event-type": "chunk",
        ":content-type": "application/json",
        ":message-type": "event",
    }
    return b"".join(
        encode_message(
            headers,
            json.dumps({"bytes": base64.b64encode(json.dumps(e).encode()).decode()}).encode(),
        )
        for e in events
    )


async def _round(
    config: GatewayConfig, routes: RouteTable, body: bytes, upstream: bytes, content_type: str
) -> float:
    exchange = Exchange(ChainSet(config, ModelClients()))
    await exchange.on_request_headers(routes, {":path": "/v1/messages", "x-api-key": "k"})
    await exchange.on_request_body(body)
    exchange.on_response_headers(200, content_type)
    started = time.process_time()
    for offset in range(0, len(upstream), _CHUNK):
        end = offset + _CHUNK >= len(upstream)
        async for _ in exchange.on_response_chunk(upstream[offset : offset + _CHUNK], end):
            pass
    return time.process_time() - started


async def main(events: int, rounds: int, text: bool = False) -> None:
    stream = _events(events)
    policies: list[dict[str, object]] = [{"name": "no_sudo:NoSudo"}]
    if text:  # a policy that reads the text too: every delta is parsed
        policies.append({"name": "redact"})
    chain = {"policy_paths": ["examples/policies"], "policies": policies}
    body = json.dumps(
        {
            "model": "claude-sonnet-4-5",
            "max_tokens": 10,
            "stream": True,
            "messages": [{"role": "user", "content": "hi"}],
        }
    ).encode()
    anthropic = GatewayConfig.model_validate({**chain, "store_url": None})
    bedrock = GatewayConfig.model_validate(
        {
            **chain,
            "store_url": None,
            "auth": {"allow_anonymous": True},  # the bench sends no key
            "providers": {
                "anthropic": {"bedrock": {"region": "us-east-1"}},
                "openai": {"base_url": "https://api.openai.com"},
            },
        }
    )
    cases = {
        "anthropic": (anthropic, RouteTable(anthropic.routes), _sse(stream), "text/event-stream"),
        "bedrock": (
            bedrock,
            RouteTable(
                bedrock.routes, clouds={"anthropic": bedrock.providers["anthropic"].bedrock}
            ),  # type: ignore[dict-item]
            _eventstream(stream),
            "application/vnd.amazon.eventstream",
        ),
    }
    best = {}
    for name, (config, routes, upstream, content_type) in cases.items():
        times = [await _round(config, routes, body, upstream, content_type) for _ in range(rounds)]
        best[name] = min(times) / len(stream) * 1e6
        print(
            f"{name:10s} {best[name]:7.2f} us CPU per event "
            f"({len(stream)} events, best of {rounds})"
        )
    print(f"ratio bedrock/anthropic: {best['bedrock'] / best['anthropic']:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--text", action="store_true", help="add redact (reads text)")
    args = parser.parse_args()
    asyncio.run(main(args.events, args.rounds, args.text))
