"""``sluice keys create|list|revoke``: Sluice-issued keys in the config's store.

sluice keys create --config sluice.yaml --user alice [--team payments] [--models 'claude-*']
                   [--expires 90d] [--tokens-per-day N]   # prints the key, once
sluice keys list --config sluice.yaml                     # never the key nor its hash
sluice keys revoke --config sluice.yaml key_0123456789ab
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sluice.auth.keys import KeyRecord, parse_expiry

__all__ = ["add_keys_parser", "run_keys"]


def _expiry(text: str) -> datetime:
    try:
        return parse_expiry(text, datetime.now(UTC))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(f"expected a whole number above 0, not {text!r}")
    return int(text)


def _dollars(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected an amount of dollars above 0, not {text!r}")
    return value


def add_keys_parser(
    commands: Any, with_config: Callable[[Any, str, str], argparse.ArgumentParser]
) -> None:
    """Add ``keys create|list|revoke`` to the ``sluice`` command's subcommands."""
    keys = commands.add_parser("keys", help="Sluice-issued keys for the gateway's clients.")
    sub = keys.add_subparsers(dest="keys_command", required=True)
    create = with_config(sub, "create", "Issue a key; it is printed once, never stored.")
    create.add_argument("--user", required=True, help="Who holds the key (an email, a name).")
    create.add_argument("--team", help="The holder's team: its limits, budgets and chains.")
    create.add_argument(
        "--models",
        action="append",
        default=[],
        metavar="GLOB",
        help="A model the key may call, e.g. 'claude-*' (repeat; default: any model).",
    )
    create.add_argument(
        "--expires", type=_expiry, help="90d, 12h, 2w, 30m or a date (default: never)."
    )
    create.add_argument("--tokens-per-day", type=_positive, help="A daily token budget.")
    create.add_argument(
        "--usd-per-day", type=_dollars, help="The key's own daily dollar budget (UTC day)."
    )
    create.add_argument(
        "--usd-per-month", type=_dollars, help="The key's own monthly dollar budget."
    )
    with_config(sub, "list", "List the keys (never the keys themselves).")
    revoke = with_config(sub, "revoke", "Revoke a key: refused on every worker within seconds.")
    revoke.add_argument("id", help="The key's id (key_...), as `sluice keys list` shows it.")


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.strftime("%Y-%m-%d %H:%M")


def _rows(keys: list[KeyRecord]) -> list[list[str]]:
    head = ["ID", "USER", "TEAM", "MODELS", "TOKENS/DAY", "USD/DAY", "USD/MONTH", "EXPIRES"]
    head += ["LAST USED", "REVOKED"]
    rows = [head]
    for key in keys:
        rows.append(
            [
                key.id,
                key.user,
                key.team or "-",
                ",".join(key.models) or "any",
                "-" if key.tokens_per_day is None else str(key.tokens_per_day),
                "-" if key.usd_per_day is None else f"{key.usd_per_day:g}",
                "-" if key.usd_per_month is None else f"{key.usd_per_month:g}",
                _when(key.expires_at),
                _when(key.last_used_at),
                _when(key.revoked_at),
            ]
        )
    return rows


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)).rstrip() for row in rows
    )


async def _run(url: Any, args: argparse.Namespace) -> int:
    from sluice.schema import check_version, create_engine
    from sluice.store import keys as stored

    await check_version(url)
    engine = create_engine(url)
    try:
        if args.keys_command == "create":
            record, secret = await stored.create_key(
                engine,
                args.user,
                args.team,
                args.models,
                args.expires,
                args.tokens_per_day,
                usd_per_day=args.usd_per_day,
                usd_per_month=args.usd_per_month,
            )
            print(f"id:  {record.id}")
            print(f"key: {secret}")
            print("sluice: this key is shown once and is not stored: keep it now", file=sys.stderr)
        elif args.keys_command == "list":
            keys = await stored.list_keys(engine)
            print(_table(_rows(keys)) if keys else "sluice: no keys yet (sluice keys create)")
        elif await stored.revoke_key(engine, args.id):
            print(f"sluice: {args.id} revoked")
        else:
            print(f"sluice: no key {args.id!r} (sluice keys list shows the ids)", file=sys.stderr)
            return 1
    finally:
        await engine.dispose()
    return 0


def run_keys(args: argparse.Namespace, store_url: str | None) -> None:
    """Run ``sluice keys ...`` against ``store_url`` (the config's); exits on an error."""
    from sluice.schema import SchemaError, async_url

    if not store_url:
        sys.exit(f"sluice: {args.config}: store_url is null: keys live in the event-log store")
    try:
        status = asyncio.run(_run(async_url(store_url), args))
    except SchemaError as exc:
        sys.exit(f"sluice: {exc}")
    sys.exit(status)
