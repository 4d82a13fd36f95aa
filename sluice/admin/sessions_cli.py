"""``sluice sessions export``: a stored session written where Claude Code resumes it.

sluice sessions export ID --config sluice.yaml --claude-code ~/.claude [--cwd DIR] [--force]

writes ``~/.claude/projects/<slug of DIR>/<session id>.jsonl`` (:mod:`.claude_code`), DIR
being the working directory the session said it ran in unless ``--cwd`` names another (the
project's folder on this machine), and prints the ``claude --resume`` command to run there.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["add_sessions_parser", "run_sessions"]


def add_sessions_parser(
    commands: Any, with_config: Callable[[Any, str, str], argparse.ArgumentParser]
) -> None:
    """Add ``sessions export`` to the ``sluice`` command's subcommands."""
    sessions = commands.add_parser("sessions", help="Sessions in the event log.")
    actions = sessions.add_subparsers(dest="sessions_command", required=True)
    export = with_config(actions, "export", "Write a session where Claude Code resumes it.")
    export.add_argument("session", help="The session's id (as the history shows it).")
    export.add_argument(
        "--claude-code",
        type=Path,
        required=True,
        metavar="DIR",
        help="Claude Code's folder to write into (usually ~/.claude).",
    )
    export.add_argument(
        "--cwd",
        help="The project's folder on this machine (default: where the session ran).",
    )
    export.add_argument(
        "--force", action="store_true", help="Replace a transcript of the same session."
    )


def run_sessions(args: argparse.Namespace, store_url: str | None) -> None:
    """Run ``sluice sessions export`` against ``store_url``; exits on an error."""
    from sluice.schema import SchemaError, async_url

    if not store_url:
        sys.exit(f"sluice: {args.config}: store_url is null: there is no event log")
    try:
        message = asyncio.run(_export(async_url(store_url), args))
    except (SchemaError, ValueError, OSError) as exc:
        sys.exit(f"sluice: {exc}")
    print(message)


async def _export(url: Any, args: argparse.Namespace) -> str:
    from sluice.admin.claude_code import claude_code_lines, claude_session_id, dumps, project_dir
    from sluice.schema import check_version
    from sluice.store import Store

    await check_version(url)
    async with Store(url) as store:
        transcript = await store.read_session(args.session)
    if transcript is None:
        raise ValueError(f"no session {args.session!r} in the event log")
    cwd = args.cwd or transcript.insights.cwd
    if not cwd:
        raise ValueError(
            f"session {args.session!r} does not say which folder it ran in: give --cwd"
        )
    session_id = claude_session_id(transcript.session_id)
    lines = [dumps(line) + "\n" for line in claude_code_lines(transcript, cwd, session_id)]
    folder = project_dir(args.claude_code.expanduser(), cwd)
    path = folder / f"{session_id}.jsonl"
    if path.exists() and not args.force:
        raise ValueError(f"{path} exists (Claude Code may have added to it): --force replaces it")
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(lines), encoding="utf-8")
    return (
        f"sluice: wrote {len(lines)} entries to {path}\n"
        f"resume it with: cd {cwd} && claude --resume {session_id}"
    )
