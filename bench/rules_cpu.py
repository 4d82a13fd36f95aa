"""Sidecar CPU per ext_proc message with ``tool_rules`` against the noop chain, in one process.

    python -m bench.rules_cpu [--rounds 30] [--profile SCENARIO] [--fresh] [--tools N]
                              [--command CMD]

The responses are the fake upstream's, as ``make bench`` asks for them (a 50-event text
stream, the same ending in two tool calls, a whole response with two tool calls), fetched
once from it running in this process. Each round drives the ext_proc servicer
(:class:`~sluice.sidecar.server.ExtProcServer`) with the messages Envoy would send for one
exchange, as bytes decoded and replies encoded the way gRPC does, one message per upstream
write for paced streams; the stream with tool calls written at once is also cut as Envoy
may read it (2 KiB messages cut anywhere, one message, or whole events about 700 bytes at
a time, as it reads from an upstream that writes event by event): what the sidecar's
Python does per message, without gRPC's own cost
(which is the same for every chain, so the ratio here is an upper bound of the real one).
The figure is process CPU time per message, best of the rounds, the chains measured in
turns so that a shared machine's load weighs on all alike. Beside noop and ``tool_rules``
runs a chain that reads every tool call and decides nothing (:mod:`bench.tool_reader`):
what any tool-call policy pays to read the response, the rest being the rules' own.
``--profile`` prints where ``tool_rules`` spends its time on one scenario (cProfile);
``--fresh`` judges every tool call as one never seen before (the responses repeat the same
two calls, whose verdicts ``tool_rules`` otherwise remembers); ``--command`` gives the shell
call another command than ``ls -la && git status``. ``--tools N`` sends, instead
of one short prompt, a coding agent's first request (its system prompt and N of its tools'
schemas): every chain reads the request, so its size moves noop's cost, not the rules'.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from envoy.service.ext_proc.v3 import external_processor_pb2 as pb

from bench import inprocess
from sluice.config import GatewayConfig
from sluice.fake_upstream import create_app
from sluice.policies import tool_rules
from sluice.policies._verdicts import Verdicts
from sluice.sidecar.chains import ChainSet
from sluice.sidecar.llm_client import ModelClients
from sluice.sidecar.routes import RouteTable
from sluice.sidecar.server import ExtProcServer
from tests.policies.verdicts import corpus_shell_lines
from tests.store.factories import TOOLS, claude_request, conversation

_TOOLS = json.dumps(
    [
        {"name": "Bash", "arguments": {"command": "ls -la && git status"}},
        {"name": "Read", "arguments": {"file_path": "/repo/README.md"}},
    ]
)
SORT = "cumulative"
_LONG = {"x-fake-script": "long", "x-fake-events": "50"}


_CHAT, _RESPONSES = "/v1/chat/completions", "/v1/responses"


@dataclass(frozen=True)
class Scenario:
    name: str
    headers: dict[str, str]
    stream: bool
    chunk: int | None = None  # bytes per message; None: one message per upstream write
    whole_events: bool = False  # each message whole events, about ``chunk`` bytes of them
    path: str = "/v1/messages"  # the wire format: Anthropic's, or OpenAI's Chat or Responses


SCENARIOS = [
    Scenario("paced stream", _LONG, True),
    Scenario("paced + tools", _LONG | {"x-fake-tool": _TOOLS}, True),
    # Written as fast as the upstream can: Envoy reads it in a few chunks, cut anywhere.
    Scenario("burst + tools", _LONG | {"x-fake-tool": _TOOLS}, True, chunk=2048),
    Scenario("burst + tools, 1 chunk", _LONG | {"x-fake-tool": _TOOLS}, True, chunk=65536),
    # As Envoy reads the same answer at rest from an upstream that writes it event by event
    # (13 to 19 messages a request in bench.rules_side_by_side): whole events each time.
    Scenario(
        "burst + tools, events", _LONG | {"x-fake-tool": _TOOLS}, True, 700, whole_events=True
    ),
    Scenario("non-streaming + tools", {"x-fake-script": "tools", "x-fake-tool": _TOOLS}, False),
    # The same answers in OpenAI's formats (Cursor, Codex), read by the general reader.
    Scenario("chat: paced + tools", _LONG | {"x-fake-tool": _TOOLS}, True, path=_CHAT),
    Scenario("chat: burst + tools", _LONG | {"x-fake-tool": _TOOLS}, True, chunk=2048, path=_CHAT),
    Scenario("responses: paced + tools", _LONG | {"x-fake-tool": _TOOLS}, True, path=_RESPONSES),
    Scenario(
        "responses: burst + tools",
        _LONG | {"x-fake-tool": _TOOLS},
        True,
        chunk=2048,
        path=_RESPONSES,
    ),
]


def _request(stream: bool, path: str = "/v1/messages", tools: int | None = None) -> bytes:
    """The request of an exchange: one short prompt; with ``tools``, a coding agent's first
    turn in Anthropic's format, its system prompt and that many of its 24 tools' schemas
    (5 KB without tools, 70 KB with all; Claude Code's are 80-120 KB), so that what the
    sidecar does for every chain (reading the request) weighs as it does for an agent."""
    if tools is not None:
        if path != "/v1/messages":
            raise ValueError("an agent's request is written in Anthropic's format only")
        body = claude_request(conversation(1)) | {"stream": stream, "tools": TOOLS[:tools]}
        return json.dumps(body).encode()
    prompt = "Write a short poem about sluices."
    if path == _RESPONSES:
        return json.dumps({"model": "gpt-5", "stream": stream, "input": prompt}).encode()
    messages = [{"role": "user", "content": prompt}]
    if path == _CHAT:
        return json.dumps({"model": "gpt-5", "stream": stream, "messages": messages}).encode()
    body = {"model": "claude-sonnet-4-6", "max_tokens": 1024, "stream": stream}
    return json.dumps(body | {"messages": messages}).encode()


async def _fetch(scenario: Scenario) -> tuple[str, list[bytes]]:
    """The fake upstream's response: its content type, and the body in the messages the
    scenario cuts it into (by default one per upstream write, an event)."""
    async with TestServer(create_app(), host="127.0.0.1") as server, ClientSession() as session:
        return await _fetch_from(server, session, scenario)


async def _fetch_from(
    server: TestServer, session: ClientSession, scenario: Scenario
) -> tuple[str, list[bytes]]:
    """:func:`_fetch`, from a fake upstream already running."""
    headers = {"anthropic-version": "2023-06-01", "x-api-key": "k", "authorization": "Bearer k"}
    headers |= scenario.headers
    url = str(server.make_url(scenario.path))
    request = _request(scenario.stream, scenario.path)
    async with session.post(url, data=request, headers=headers) as answer:
        content_type, body = answer.headers["content-type"], await answer.read()
    if not scenario.stream:
        return content_type, [body]
    events = [event + b"\n\n" for event in body.split(b"\n\n") if event]
    if scenario.whole_events:  # events joined until a message has ``chunk`` bytes
        messages, message = [], b""
        for event in events:
            message += event
            if len(message) >= (scenario.chunk or 0):
                messages.append(message)
                message = b""
        return content_type, [*messages, message] if message else messages
    if scenario.chunk is not None:
        size = scenario.chunk
        return content_type, [body[i : i + size] for i in range(0, len(body), size)]
    return content_type, events


_HEADERS = {"x-api-key": "sk-ant-bench", "anthropic-version": "2023-06-01"}
_OPENAI_HEADERS = {"authorization": "Bearer sk-bench"}


async def scenario_messages(scenario: Scenario, tools: int | None = None) -> list[bytes]:
    """The ext_proc messages, serialised, of one exchange of ``scenario``, as Envoy sends
    them (the request body, then the response in the messages the scenario cuts it into);
    ``tools``: the request an agent sends, with that many tools (:func:`_request`)."""
    content_type, chunks = await _fetch(scenario)
    headers = _HEADERS if scenario.path == "/v1/messages" else _OPENAI_HEADERS
    request = _request(scenario.stream, scenario.path, tools)
    return inprocess.messages(scenario.path, headers, request, content_type, chunks)


def everyday_calls(longest: int = 4096) -> list[dict[str, Any]]:
    """The shipped corpus's everyday shell calls, each as the fake upstream's
    ``x-fake-tool`` takes it (a name and arguments), as Claude Code, Codex and Cursor send
    them (those whose arguments are longer than ``longest`` left out: a header carries
    them)."""
    calls = []
    for case, _line in corpus_shell_lines():
        if case.expect == "allow" and len(arguments := json.dumps(case.input)) <= longest:
            calls.append({"name": case.tool, "arguments": json.loads(arguments)})
    return calls


async def fresh_messages(
    scenario: Scenario, calls: list[dict[str, Any]], tools: int | None = None
) -> list[list[bytes]]:
    """The messages of one exchange of ``scenario`` for each of ``calls`` (as
    :func:`scenario_messages`): its shell call replaced by that one, and its ``Read`` given
    a file of its own, so that no exchange's calls were seen before (``--fresh`` behind a
    real worker, whose verdicts cannot be forgotten from outside)."""
    if "x-fake-tool" not in scenario.headers:
        return [await scenario_messages(scenario, tools)]
    headers = _HEADERS if scenario.path == "/v1/messages" else _OPENAI_HEADERS
    request = _request(scenario.stream, scenario.path, tools)
    found = []
    async with TestServer(create_app(), host="127.0.0.1") as server, ClientSession() as session:
        for number, call in enumerate(calls):
            read = {"name": "Read", "arguments": {"file_path": f"/repo/src/module_{number}.py"}}
            given = {"x-fake-tool": json.dumps([call, read])}
            content_type, chunks = await _fetch_from(
                server, session, replace(scenario, headers=scenario.headers | given)
            )
            found.append(inprocess.messages(scenario.path, headers, request, content_type, chunks))
    return found


def servicer_for(policies: list[dict[str, Any]]) -> ExtProcServer:
    """The ext_proc servicer of a gateway whose chain is ``policies`` (no event log)."""
    config = GatewayConfig.model_validate({"policies": policies, "store_url": None})
    return ExtProcServer(RouteTable(config.routes), ChainSet(config, ModelClients()))


async def run_exchange(servicer: ExtProcServer, messages: list[bytes]) -> None:
    """One exchange of ``messages`` (serialised) through ``servicer``, its replies encoded."""

    async def requests() -> AsyncIterator[pb.ProcessingRequest]:
        for message in messages:
            yield pb.ProcessingRequest.FromString(message)

    async for reply in servicer.Process(requests(), None):  # type: ignore[arg-type]
        reply.SerializeToString()


async def _cpu(run: Callable[[], Awaitable[None]], repeat: int) -> float:
    started = time.process_time()
    for _ in range(repeat):
        await run()
    return time.process_time() - started


TOOLS_HELP: dict[str, Any] = {
    "metavar": "N",
    "help": "send a coding agent's first request, with N of its 24 tools' schemas (70 KB with "
    "all), instead of one short prompt; only the scenarios in Anthropic's format",
}


def agent_scenarios() -> list[Scenario]:
    """The scenarios an agent's request (``--tools``) is sent in: Anthropic's format."""
    return [scenario for scenario in SCENARIOS if scenario.path == "/v1/messages"]


def use_command(command: str) -> None:
    """From now on, the scenarios' shell call runs ``command`` instead of ``ls -la && git
    status``: what judging other commands costs (``--command``)."""
    calls = json.loads(_TOOLS)
    calls[0]["arguments"]["command"] = command
    tool = {"x-fake-tool": json.dumps(calls)}
    SCENARIOS[:] = [
        replace(s, headers=s.headers | tool) if "x-fake-tool" in s.headers else s for s in SCENARIOS
    ]


COMMAND_HELP: dict[str, Any] = {
    "metavar": "CMD",
    "help": "the shell command of the responses' Bash call (default: ls -la && git status)",
}


def forget_verdicts() -> None:
    """From now on, ``tool_rules`` judges every call as one never seen before (agents' calls
    are mostly new: the bench's responses repeat the same two)."""
    tool_rules.Verdicts = partial(Verdicts, size=0)  # type: ignore[attr-defined,assignment]


async def main(
    rounds: int, repeat: int, profile: str | None, fresh: bool = False, tools: int | None = None
) -> None:
    if fresh:
        forget_verdicts()
    servicers = {
        "noop": servicer_for([]),
        "read only": servicer_for([{"name": "bench.tool_reader:ToolReader"}]),
        "tool_rules": servicer_for([{"name": "tool_rules"}]),
    }
    print(
        f"{'scenario':<22} {'msgs':>5} {'noop us/msg':>12} {'read only':>10} {'tool_rules':>11}"
        f" {'ratio':>6}"
    )
    for scenario in SCENARIOS if tools is None else agent_scenarios():
        messages = await scenario_messages(scenario, tools)
        if profile == scenario.name:
            await _profile(servicers["tool_rules"], messages, repeat)
            continue
        best = dict.fromkeys(servicers, float("inf"))
        for _ in range(rounds):
            for name, servicer in servicers.items():
                spent = await _cpu(partial(run_exchange, servicer, messages), repeat)
                best[name] = min(best[name], spent / repeat / len(messages) * 1e6)
        print(
            f"{scenario.name:<22} {len(messages):>5} {best['noop']:>12.1f} "
            f"{best['read only']:>10.1f} {best['tool_rules']:>11.1f} "
            f"{best['tool_rules'] / best['noop']:>6.2f}"
        )


async def _profile(servicer: ExtProcServer, messages: list[bytes], repeat: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat * 20):
        await run_exchange(servicer, messages)
    profiler.disable()
    pstats.Stats(profiler).sort_stats(SORT).print_stats(45)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=10, help="exchanges per round")
    parser.add_argument("--profile", choices=[s.name for s in SCENARIOS])
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="judge every tool call as never seen (the bench repeats the same two calls)",
    )
    parser.add_argument("--tools", type=int, choices=range(len(TOOLS) + 1), **TOOLS_HELP)
    parser.add_argument("--command", **COMMAND_HELP)
    args = parser.parse_args()
    if args.command is not None:
        use_command(args.command)
    asyncio.run(main(args.rounds, args.repeat, args.profile, args.fresh, args.tools))
