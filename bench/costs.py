"""What cost accounting costs the sidecar: one exchange through the ext_proc servicer, in
process CPU, without it (no metering: the path before costs, when no limit is configured),
with it (every exchange priced: the default now), and with dollar budgets kept (checked
before the call, charged at the end; none reached). The cases alternate round by round, so
a busy machine slows them alike; the figure is the best round of each.

    python -m bench.costs [--events 50] [--rounds 40]

The exchange is the paced stream of ``make bench``'s shape: an Anthropic stream of
``--events`` text deltas with usage in ``message_start`` and ``message_delta``, one
message per provider write, the noop chain, no event log.
"""

from __future__ import annotations

import argparse
import asyncio
import json

from bench.inprocess import messages, servicer_cpu, sse_writes
from sluice.auth.identity import Gate
from sluice.config import GatewayConfig, LimitsConfig
from sluice.sidecar.budgets import Budgets
from sluice.sidecar.chains import ChainSet
from sluice.sidecar.llm_client import ModelClients
from sluice.sidecar.metering import Metering
from sluice.sidecar.pricing import PriceBook
from sluice.sidecar.routes import RouteTable
from sluice.sidecar.server import ExtProcServer


def _stream(events: int) -> bytes:
    usage = {
        "input_tokens": 12,
        "cache_creation_input_tokens": 2000,
        "cache_read_input_tokens": 30000,
        "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 2000},
        "output_tokens": 1,
    }
    body = [
        {"type": "message_start", "message": {"id": "m", "type": "message", "role": "assistant",
                                              "model": "claude-sonnet-4-6", "content": [],
                                              "usage": usage}},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        *[
            {"type": "content_block_delta", "index": 0,
             "delta": {"type": "text_delta", "text": f"word {i} of a longer answer, "}}
            for i in range(events)
        ],
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn"},
         "usage": {"output_tokens": events * 6}},
        {"type": "message_stop"},
    ]  # fmt: skip
    return b"".join(
        f"event: {e['type']}\ndata: {json.dumps(e, separators=(',', ':'))}\n\n".encode()
        for e in body
    )


async def main(events: int, rounds: int) -> None:
    config = GatewayConfig.model_validate({"store_url": None})
    dollars = LimitsConfig.model_validate(
        {"usd_per_client": [{"usd": 1e6, "per": "day"}], "usd_per_team": [{"usd": 1e6}]}
    )
    prices = PriceBook(config.costs)
    routes = RouteTable(config.routes)
    body = json.dumps(
        {
            "model": "claude-sonnet-4-6",
            "max_tokens": 4096,
            "stream": True,
            "messages": [{"role": "user", "content": "hi"}],
        }
    ).encode()
    writes = sse_writes(_stream(events))
    serialised = messages("/v1/messages", {"x-api-key": "k"}, body, "text/event-stream", writes)
    chains = ChainSet(config, ModelClients())
    gate = Gate(config.auth, None, "x-team")
    cases = {
        "no cost accounting": ExtProcServer(routes, chains, gate=gate),
        "costs (default)": ExtProcServer(
            routes, chains, metering=Metering(prices=prices), gate=gate
        ),
        "costs + dollar budgets": ExtProcServer(
            routes, chains, metering=Metering(budgets=Budgets(dollars), prices=prices), gate=gate
        ),
    }
    best = dict.fromkeys(cases, float("inf"))
    for _ in range(rounds):
        for name, servicer in cases.items():
            best[name] = min(best[name], await servicer_cpu(servicer, serialised, repeat=5))
    base = best["no cost accounting"]
    print(f"{len(serialised)} ext_proc messages per exchange ({events} text events), "
          f"best of {rounds} rounds")  # fmt: skip
    for name, seconds in best.items():
        print(f"{name:24s} {seconds * 1e6:8.1f} us CPU per exchange   x{seconds / base:.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    asyncio.run(main(args.events, args.rounds))
