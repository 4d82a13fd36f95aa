"""Instructions per exchange of ``tool_rules`` and noop, counted by valgrind.

    python -m bench.rules_instructions [--scenario NAME] [--exchanges 100] [--grpc] [--fresh]
                                       [--floor] [--tools N] [--command CMD]

Time on a shared machine moves a ratio by a few hundredths from run to run, more than most
single changes make; instructions do not (to 0.1% with the hash seed fixed). Each figure
drives :mod:`bench.rules_cpu`'s servicer with one scenario's messages under
``valgrind --tool=cachegrind``, twice: 20 exchanges to warm, then ``--exchanges`` or three
times as many; the difference, divided, is what one exchange costs, without the
interpreter's start. Instructions are not time (a cache miss costs more than an
instruction), so this says whether a change cut work, and ``bench.rules_replay`` what it
is worth under load. Needs valgrind (Debian: ``apt install valgrind``), so it is not part
of ``make bench``; a run takes about a minute a figure.

``--grpc`` counts what ``bench.rules_replay`` times: the servicer behind a gRPC server of
its own (the worker's, :func:`~sluice.sidecar.server.serve`), in a process under valgrind,
sent each exchange's messages over a Unix socket by this process (not counted), four
exchanges at a time; the server is stopped once all have been answered. gRPC's own work
per message, the same for both chains, is then counted as it is in a worker's CPU: the
ratio is ``bench.rules_replay``'s figure in instructions, which a machine's speed does not
move. Its load does, a little: gRPC's threads poll while valgrind slows the server, so a
count moves by up to a tenth from run to run (repeat it), and the kernel's part of a
message (the socket's reads and writes, the same for both) is not counted at all, so the
ratio leans high against CPU time.

``--fresh`` judges every tool call as never seen before (as ``bench.rules_cpu --fresh``):
an agent's commands are mostly new, and the scenarios repeat the same two, whose verdicts
``tool_rules`` otherwise remembers.

``--floor`` counts two more chains beside them (:mod:`bench.tool_reader`): one that reads
every tool call and decides nothing, and one that also parses each call's shell command as
``tool_rules`` does before any rule runs, the least a judge of commands can cost.
``--tools N`` sends a coding agent's first request instead of one short prompt
(``bench.rules_cpu --tools``): what every chain does to read a request weighs as it does
for an agent. ``--command CMD`` gives the responses' shell call another command
(``bench.rules_cpu --command``): a line that only reads is judged by its text, one that does
more is read command by command, at many times the cost.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from envoy.service.ext_proc.v3 import external_processor_pb2 as pb

from bench.rules_cpu import (
    COMMAND_HELP,
    SCENARIOS,
    TOOLS_HELP,
    agent_scenarios,
    forget_verdicts,
    run_exchange,
    scenario_messages,
    servicer_for,
    use_command,
)
from sluice.sidecar.worker import configure_grpc_environment
from tests.store.factories import TOOLS

CHAINS = {"noop": [], "tool_rules": [{"name": "tool_rules"}]}
FLOOR = {
    "read only": [{"name": "bench.tool_reader:ToolReader"}],
    "parse only": [{"name": "bench.tool_reader:ShellParser"}],
}
_WARM = 20
_COUNTED = re.compile(rb"I\s+refs:\s+([\d,]+)")


async def _drive(scenario: str, chain: str, exchanges: int, tools: int | None) -> None:
    """``exchanges`` exchanges of ``scenario`` through ``chain``, after a warm-up."""
    [found] = [s for s in SCENARIOS if s.name == scenario]
    messages = await scenario_messages(found, tools)
    servicer = servicer_for((CHAINS | FLOOR)[chain])
    for _ in range(_WARM + exchanges):
        await run_exchange(servicer, messages)


async def _serve(socket: str, chain: str) -> None:
    """Serve ``chain``'s servicer on ``socket`` over gRPC, as a worker does, until SIGTERM
    (its gRPC settings in the environment it was started with: :func:`_grpc_instructions`)."""
    from sluice.sidecar.server import serve

    server = await serve(servicer_for((CHAINS | FLOOR)[chain]), f"unix:{socket}")
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await server.stop(None)


async def _send(
    socket: Path, scenario: str, exchanges: int, tools: int | None, concurrency: int = 4
) -> None:
    """``exchanges`` exchanges of ``scenario`` sent to the server on ``socket``, each answered."""
    from bench.rules_replay import send_exchanges

    [found] = [s for s in SCENARIOS if s.name == scenario]
    messages = [pb.ProcessingRequest.FromString(m) for m in await scenario_messages(found, tools)]
    await send_exchanges(socket, messages, concurrency, exchanges=exchanges)


def _valgrind(*arguments: str) -> list[str]:
    return [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        sys.executable,
        "-m",
        "bench.rules_instructions",
        *arguments,
    ]


def _fresh(fresh: bool) -> list[str]:
    """The counted process's option to judge every call as never seen, if ``fresh``."""
    return ["--fresh"] if fresh else []


def _tools(tools: int | None) -> list[str]:
    """The counted process's option to send an agent's request with ``tools`` tools."""
    return [] if tools is None else ["--tools", str(tools)]


def _counted(stderr: bytes) -> int:
    found = _COUNTED.search(stderr)
    if found is None:
        raise RuntimeError(f"valgrind printed no count:\n{stderr.decode()[-2000:]}")
    return int(found[1].replace(b",", b""))


def _env() -> dict[str, str]:
    """The environment of a counted process: this one's, the hash seed fixed."""
    return os.environ | {"PYTHONHASHSEED": "0"}


def _command(command: str | None) -> list[str]:
    """The counted process's option to run ``command`` in the shell call."""
    return [] if command is None else ["--command", command]


def _instructions(
    scenario: str, chain: str, exchanges: int, fresh: bool, tools: int | None, shell: str | None
) -> int:
    """Instructions valgrind counts for a process that drives ``exchanges`` exchanges."""
    options = [*_fresh(fresh), *_tools(tools), *_command(shell)]
    command = _valgrind("--drive", scenario, chain, str(exchanges), *options)
    return _counted(subprocess.run(command, capture_output=True, env=_env(), check=True).stderr)


def _grpc_instructions(
    scenario: str, chain: str, exchanges: int, fresh: bool, tools: int | None, shell: str | None
) -> int:
    """Instructions valgrind counts for a gRPC server of ``chain`` sent ``exchanges``
    exchanges (after as many to warm it as :func:`_instructions` drives)."""
    configure_grpc_environment()  # read when grpc is imported: the server's, before it starts
    with tempfile.TemporaryDirectory() as folder:
        socket = Path(folder) / "ext_proc.sock"
        with subprocess.Popen(
            _valgrind("--serve", str(socket), chain, *_fresh(fresh)),
            stderr=subprocess.PIPE,
            env=_env(),
        ) as server:
            deadline = time.monotonic() + 120
            while not socket.exists():
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the server under valgrind did not start")
                time.sleep(0.2)
            if shell is not None:  # this process makes and sends the messages
                use_command(shell)
            asyncio.run(_send(socket, scenario, _WARM + exchanges, tools))
            server.send_signal(signal.SIGTERM)
            _, stderr = server.communicate(timeout=300)
    return _counted(stderr)


def main(
    scenarios: list[str],
    exchanges: int,
    grpc: bool = False,
    fresh: bool = False,
    floor: bool = False,
    tools: int | None = None,
    shell: str | None = None,
) -> None:
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt install valgrind)")
    counted = _grpc_instructions if grpc else _instructions
    chains = [*CHAINS, *(FLOOR if floor else ())]
    print(f"{'scenario':<24} {'chain':<11} {'instructions/exchange':>22} {'/ noop':>7}")
    for scenario in scenarios:
        per = {}
        for chain in chains:
            few = counted(scenario, chain, exchanges, fresh, tools, shell)
            many = counted(scenario, chain, 3 * exchanges, fresh, tools, shell)
            per[chain] = (many - few) / (2 * exchanges)
        for chain in chains:
            ratio = per[chain] / per["noop"]
            print(f"{scenario:<24} {chain:<11} {per[chain]:>22,.0f} {ratio:>7.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=[s.name for s in SCENARIOS], help="only this one")
    parser.add_argument("--exchanges", type=int, default=100)
    parser.add_argument(
        "--grpc", action="store_true", help="count a gRPC server sent the messages, as a worker"
    )
    parser.add_argument(
        "--drive", nargs=3, metavar=("SCENARIO", "CHAIN", "N"), help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="judge every tool call as never seen (the bench repeats the same two calls)",
    )
    parser.add_argument(
        "--floor", action="store_true", help="also count a chain that only reads, one that parses"
    )
    parser.add_argument("--tools", type=int, choices=range(len(TOOLS) + 1), **TOOLS_HELP)
    parser.add_argument("--command", **COMMAND_HELP)
    parser.add_argument("--serve", nargs=2, metavar=("SOCKET", "CHAIN"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    agents = [s.name for s in agent_scenarios()]
    if args.tools is not None and args.scenario and args.scenario not in agents:
        parser.error("--tools sends an agent's request in Anthropic's format, not this scenario's")
    if args.fresh and (args.drive or args.serve):  # the counted process is the one that judges
        forget_verdicts()
    if args.command is not None and args.drive:  # the counted process makes its messages
        use_command(args.command)
    if args.drive:
        scenario, chain, count = args.drive
        asyncio.run(_drive(scenario, chain, int(count), args.tools))
    elif args.serve:
        asyncio.run(_serve(*args.serve))
    else:
        known = [s.name for s in SCENARIOS] if args.tools is None else agents
        scenarios = [args.scenario] if args.scenario else known
        main(scenarios, args.exchanges, args.grpc, args.fresh, args.floor, args.tools, args.command)
