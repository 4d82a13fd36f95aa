"""The ``sluice`` command: wires the parts together and holds no logic of its own.

sluice run --config sluice.yaml           # Envoy + sidecar workers, supervised
sluice run --config sluice.yaml --without-envoy   # the sidecar alone (Envoy runs elsewhere)
sluice envoy-config --config sluice.yaml [--output envoy.json]  # the rendered Envoy bootstrap
sluice envoy --config sluice.yaml --bootstrap envoy.json       # exec Envoy on a bootstrap
sluice drain --config sluice.yaml         # drain Envoy (a preStop hook): finish streams in flight
sluice sidecar --config sluice.yaml --worker 0
sluice event-log --config sluice.yaml     # the event-log writer process (started by `run`)
sluice db upgrade|check|prune --config sluice.yaml [--older-than 30d]
sluice keys create|list|revoke --config sluice.yaml ...  # Sluice-issued client keys
sluice sessions export ID --config sluice.yaml --claude-code ~/.claude  # for claude --resume
sluice policies [--schema | --doc]        # the built-in policies and their configs
sluice policies eval tool_rules corpus/tool_calls [--config sluice.yaml] [--min-recall 0.98]
sluice fake-upstream --port 8081          # the scripted fake LLM API (demo, tests)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from sluice.admin.sessions_cli import add_sessions_parser
from sluice.auth.keys_cli import add_keys_parser
from sluice.config import ConfigError, GatewayConfig, load_config

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sluice", description=__doc__.split("\n")[0])
    parser.add_argument("--log-level", default="INFO", help="Python log level (default INFO).")
    commands = parser.add_subparsers(dest="command", required=True)

    def with_config(group: Any, name: str, help: str) -> argparse.ArgumentParser:
        command: argparse.ArgumentParser = group.add_parser(name, help=help)
        command.add_argument("--config", type=Path, required=True, help="Gateway config (YAML).")
        return command

    run = with_config(commands, "run", "Start Envoy and the sidecar, supervise both.")
    run.add_argument(
        "--without-envoy", action="store_true", help="Run only the sidecar (Envoy runs elsewhere)."
    )
    envoy_config = with_config(commands, "envoy-config", "Print the rendered Envoy bootstrap.")
    envoy_config.add_argument("--output", type=Path, help="Write it to this file instead.")
    envoy = with_config(commands, "envoy", "Run Envoy (replaces this process).")
    envoy.add_argument(
        "--bootstrap", type=Path, help="A rendered bootstrap (default: render the config's)."
    )
    with_config(commands, "drain", "Drain Envoy; return once requests in flight are done.")
    sidecar = with_config(commands, "sidecar", "Run one sidecar worker (used by `run`).")
    sidecar.add_argument("--worker", type=int, default=0, help="Worker index (default 0).")
    with_config(commands, "event-log", "Run the event-log writer (used by `run`).")

    db = commands.add_parser("db", help="The event log's database.")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    with_config(db_commands, "upgrade", "Apply the schema migrations.")
    with_config(db_commands, "check", "Say whether the schema is current.")
    prune = with_config(db_commands, "prune", "Delete exchanges older than a cutoff.")
    prune.add_argument(
        "--older-than", type=_age, required=True, help="An age such as 30d, 12h or 90m."
    )

    add_keys_parser(commands, with_config)
    add_sessions_parser(commands, with_config)

    policies = commands.add_parser("policies", help="List the built-in policies.")
    show = policies.add_mutually_exclusive_group()
    show.add_argument("--schema", action="store_true", help="JSON Schema of each config.")
    show.add_argument("--doc", action="store_true", help="The Markdown policy reference.")
    policy_commands = policies.add_subparsers(dest="policies_command")
    evaluate = policy_commands.add_parser(
        "eval", help="Recall and false positives of a tool-call policy on a labelled corpus."
    )
    evaluate.add_argument("policy", help="The policy's name, e.g. tool_rules.")
    evaluate.add_argument("path", type=Path, help="A .jsonl file or a folder of them.")
    evaluate.add_argument(
        "--config", type=Path, help="A gateway config: the policy's settings come from it."
    )
    evaluate.add_argument("--min-recall", type=float, default=0.0, help="Fail below this.")
    evaluate.add_argument("--max-fpr", type=float, default=1.0, help="Fail above this.")

    fake = commands.add_parser(
        "fake-upstream",
        help="Serve the scripted fake LLM API (development and demo; not in the image).",
    )
    fake.add_argument("--host", default="127.0.0.1")
    fake.add_argument("--port", type=int, default=8081)
    return parser


def _age(text: str) -> timedelta:
    units = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
    number, unit = text[:-1], text[-1:]
    if unit not in units or not number.isdigit():
        raise argparse.ArgumentTypeError(f"expected an age like 30d, 12h, 90m or 45s, not {text!r}")
    return timedelta(**{units[unit]: int(number)})


def _db(args: argparse.Namespace) -> None:
    """``sluice db ...``: the event log's schema and retention."""
    from sluice.schema import SchemaError, async_url, check_version, prune, upgrade

    config = _load(args.config)
    if not config.store_url:
        sys.exit(f"sluice: {args.config}: store_url is null: there is no event log")
    url = async_url(config.store_url)
    if url.get_backend_name() == "sqlite" and url.database:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    try:
        if args.db_command == "upgrade":
            asyncio.run(upgrade(url))
            print("sluice: the event log's schema is current")
        elif args.db_command == "check":
            asyncio.run(check_version(url))
            print("sluice: the event log's schema is current")
        else:
            deleted = asyncio.run(prune(url, args.older_than))
            print("sluice: deleted " + ", ".join(f"{n} {t}" for t, n in deleted.items()))
    except SchemaError as exc:
        sys.exit(f"sluice: {exc}")


def _prepare_store(config: GatewayConfig, path: Path) -> None:
    """Before ``sluice run``: an embedded SQLite store is created or upgraded on the spot
    (nothing else to run); a Postgres one must already be current (``sluice db upgrade``)."""
    if not config.store_url:
        return
    from sluice.schema import SchemaError, async_url, check_version, upgrade

    url = async_url(config.store_url)
    try:
        if url.get_backend_name() == "sqlite" and url.database:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
            asyncio.run(upgrade(url))
        else:
            asyncio.run(check_version(url))
    except SchemaError as exc:
        sys.exit(f"sluice: {path}: store_url: {exc}")


def _load(path: Path, *, policies: bool = False) -> GatewayConfig:
    """The config at ``path``; with ``policies``, every policy loaded and configured too."""
    from sluice.policy import PolicyError

    try:
        config = load_config(path)
        if policies:
            from sluice.sidecar.chains import ChainSet
            from sluice.sidecar.llm_client import ModelClients

            ChainSet(config, ModelClients())
    except ConfigError as exc:
        sys.exit(f"sluice: {exc}")
    except PolicyError as exc:
        sys.exit(f"sluice: {path}: policies: {exc}")
    return config


def _exec_envoy(config: GatewayConfig, bootstrap: Path | None) -> None:
    """Replace this process with Envoy (signals then reach Envoy itself)."""
    import os

    from sluice.envoy import envoy_command, render_bootstrap
    from sluice.envoy.keys import write_key_files

    if bootstrap is None:
        config.sidecar.socket_dir.mkdir(parents=True, exist_ok=True)
        bootstrap = config.sidecar.socket_dir / "envoy.json"
        bootstrap.write_text(json.dumps(render_bootstrap(config), indent=1))
    write_key_files(config)  # the bootstrap names them; Envoy reads them (sluice.envoy.keys)
    command = envoy_command(bootstrap, config.envoy)
    os.execv(command[0], command)


def _fake_upstream(host: str, port: int) -> None:
    """Serve the scripted fake LLM API: a development and demo tool, which the production
    image leaves out (see the Dockerfile)."""
    try:
        from sluice.fake_upstream.__main__ import main as fake_main
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("sluice.fake_upstream"):
            raise
        sys.exit(
            "sluice: the fake upstream is a development and demo tool, not installed here "
            "(the production image leaves it out); run it from a source checkout: make demo"
        )
    fake_main(["--host", host, "--port", str(port)])


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``sluice`` console script."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # chatty at INFO
    if args.command == "envoy-config":
        from sluice.envoy import render_bootstrap

        text = json.dumps(render_bootstrap(_load(args.config)), indent=2)
        if args.output:
            args.output.write_text(text + "\n")
        else:
            print(text)
    elif args.command == "envoy":
        _exec_envoy(_load(args.config), args.bootstrap)
    elif args.command == "drain":
        from sluice.envoy.drain import drain

        config = _load(args.config)
        admin = f"http://{config.envoy.admin_address}:{config.envoy.admin_port}"
        sys.exit(0 if asyncio.run(drain(admin, config.sidecar.grace_period_s)) else 1)
    elif args.command == "run":
        from sluice.admin.auth import Keys
        from sluice.supervisor import Supervisor

        config = _load(args.config, policies=True)
        try:
            Keys.from_config(config.admin)  # a key that cannot be read stops us here
        except ConfigError as exc:
            sys.exit(f"sluice: {args.config}: {exc}")
        _prepare_store(config, args.config)
        supervisor = Supervisor(
            config, args.config, config.sidecar.socket_dir, with_envoy=not args.without_envoy
        )
        sys.exit(asyncio.run(supervisor.run()))
    elif args.command == "sidecar":
        from sluice.sidecar.worker import run_worker

        try:
            run_worker(args.config, args.worker)
        except ConfigError as exc:
            sys.exit(f"sluice: {exc}")
    elif args.command == "event-log":
        from sluice.sidecar.eventlog.writer import run_writer

        try:
            run_writer(_load(args.config))
        except ConfigError as exc:
            sys.exit(f"sluice: {exc}")
    elif args.command == "db":
        _db(args)
    elif args.command == "keys":
        from sluice.auth.keys_cli import run_keys

        run_keys(args, _load(args.config).store_url)
    elif args.command == "sessions":
        from sluice.admin.sessions_cli import run_sessions

        run_sessions(args, _load(args.config).store_url)
    elif args.command == "policies" and args.policies_command == "eval":
        from sluice.evaluation import run

        settings = _load(args.config) if args.config else None
        sys.exit(run(args.policy, args.path, settings, args.min_recall, args.max_fpr))
    elif args.command == "policies":
        from sluice.policies import BUILTINS
        from sluice.reference import config_schemas, policy_reference

        if args.schema:
            print(json.dumps(config_schemas(), indent=2))
        elif args.doc:
            print(policy_reference(), end="")
        else:
            for name, cls in sorted(BUILTINS.items()):
                summary = (cls.__doc__ or "").strip().split("\n")[0]
                print(f"{name:<16} {summary}")
    elif args.command == "fake-upstream":
        _fake_upstream(args.host, args.port)
