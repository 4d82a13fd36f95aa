"""Real Claude Code, run headless (``claude -p``) against a gateway under test.

The pinned npm package is installed by ``make install`` into ``.venv/claude-code`` (see the
Makefile); a missing install fails the test rather than skipping it. Every run gets a
throwaway ``HOME`` holding a git repository as its project, and an environment with nothing
of the developer's: its traffic goes only to the gateway's 127.0.0.1 address, with
telemetry, error reports and the auto-updater switched off.

Claude Code's requests can steer the fake upstream like any other client's: the fake's
``x-fake-*`` headers ride along in ``ANTHROPIC_CUSTOM_HEADERS``.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.harness import ROOT

__all__ = ["CLAUDE", "CLAUDE_CODE_VERSION", "ClaudeRun", "run_claude"]

CLAUDE_CODE_VERSION = "2.1.332"  # keep in step with the Makefile's CLAUDE_CODE
CLAUDE = ROOT / ".venv" / "claude-code" / "node_modules" / ".bin" / "claude"

# Nothing leaves the machine but the calls to the gateway.
_QUIET = {
    "DISABLE_TELEMETRY": "1",
    "DISABLE_ERROR_REPORTING": "1",
    "DISABLE_AUTOUPDATER": "1",
    "DISABLE_BUG_COMMAND": "1",
    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
}


@dataclass(frozen=True)
class ClaudeRun:
    """What one ``claude -p --output-format json`` run printed."""

    result: str
    is_error: bool
    turns: int
    output: dict[str, Any]
    stderr: str


def run_claude(
    base_url: str,
    prompt: str,
    home: Path,
    *,
    env: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    settings: Mapping[str, Any] | None = None,
    max_turns: int = 2,
    timeout: float = 180,
) -> ClaudeRun:
    """Run Claude Code once against ``base_url`` with ``home`` as its HOME.

    ``env`` adds variables (credentials: ``ANTHROPIC_API_KEY`` or ``ANTHROPIC_AUTH_TOKEN``),
    ``headers`` go on every request, ``settings`` is written as ``~/.claude/settings.json``
    (``apiKeyHelper``, for one). Tool calls that need permission are refused by ``-p`` mode,
    so nothing the fake model asks for runs unless a test allows it.
    """
    if not CLAUDE.exists():
        raise AssertionError(f"Claude Code is not installed at {CLAUDE}: run `make install`")
    project = home / "project"
    project.mkdir(parents=True, exist_ok=True)
    if not (project / ".git").exists():
        subprocess.run(["git", "init", "-q", str(project)], check=True)
    if settings is not None:
        (home / ".claude").mkdir(exist_ok=True)
        (home / ".claude" / "settings.json").write_text(json.dumps(settings))
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "ANTHROPIC_BASE_URL": base_url,
        **_QUIET,
        **(env or {}),
    }
    if os.geteuid() == 0:
        environment["IS_SANDBOX"] = "1"  # Claude Code refuses to run as root otherwise
    if headers:
        environment["ANTHROPIC_CUSTOM_HEADERS"] = "\n".join(f"{k}: {v}" for k, v in headers.items())
    command = [str(CLAUDE), "-p", prompt, "--output-format", "json", "--max-turns", str(max_turns)]
    done = subprocess.run(
        command,
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    try:
        output = json.loads(done.stdout)
    except ValueError as exc:
        raise AssertionError(
            f"claude printed no JSON (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
        ) from exc
    return ClaudeRun(
        result=str(output.get("result", "")),
        is_error=bool(output.get("is_error")),
        turns=int(output.get("num_turns", 0)),
        output=output,
        stderr=done.stderr,
    )
