"""Real Claude Code, run headless (``claude -p``) against a gateway under test.

The pinned npm package is installed by ``make install`` into ``.venv/claude-code`` (see the
Makefile); a missing install fails the test rather than skipping it. Every run gets a
throwaway ``HOME`` holding a git repository as its project, and an environment with nothing
of the developer's: its traffic goes only to the gateway's 127.0.0.1 address, with
telemetry, error reports and the auto-updater switched off.

Claude Code's requests can steer the fake upstream like any other client's: the fake's
``x-fake-*`` headers ride along in ``ANTHROPIC_CUSTOM_HEADERS``.

It talks to the gateway in one of three modes: Anthropic's API (``ANTHROPIC_BASE_URL``), or a
cloud's: Bedrock (``CLAUDE_CODE_USE_BEDROCK``) or Vertex AI (``CLAUDE_CODE_USE_VERTEX``), with
the cloud's own authentication skipped since the gateway holds the credentials. Each is set
exactly as the README's client table says (``test_claude_code.py`` checks).

``tool_round_trip`` is the scenario every mode must pass: a turn asking for two tool calls,
one that the gateway's chain blocks, one that Claude Code runs and answers.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tests.harness import ROOT

__all__ = [
    "CLAUDE",
    "CLAUDE_CODE_VERSION",
    "ClaudeRun",
    "Mode",
    "assert_chat_tool_round_trip",
    "assert_tool_round_trip",
    "endpoint_env",
    "run_claude",
    "tool_round_trip",
]

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


Mode = Literal["anthropic", "bedrock", "vertex"]


def endpoint_env(mode: Mode, base_url: str) -> dict[str, str]:
    """The variables that point Claude Code in ``mode`` at the gateway (the README's)."""
    if mode == "bedrock":
        return {
            "CLAUDE_CODE_USE_BEDROCK": "1",
            "ANTHROPIC_BEDROCK_BASE_URL": base_url,
            "CLAUDE_CODE_SKIP_BEDROCK_AUTH": "1",
        }
    if mode == "vertex":
        return {
            "CLAUDE_CODE_USE_VERTEX": "1",
            "ANTHROPIC_VERTEX_BASE_URL": f"{base_url}/v1",
            "CLAUDE_CODE_SKIP_VERTEX_AUTH": "1",
            # Claude Code will not send a request without a project; the gateway uses its own.
            "ANTHROPIC_VERTEX_PROJECT_ID": "any",
        }
    return {"ANTHROPIC_BASE_URL": base_url}


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
    mode: Mode = "anthropic",
    allowed_tools: Sequence[str] = (),
    max_turns: int = 2,
    timeout: float = 180,
    resume: str | None = None,
    project: Path | None = None,
) -> ClaudeRun:
    """Run Claude Code once against ``base_url`` with ``home`` as its HOME.

    ``mode`` is the API it speaks to the gateway. ``env`` adds variables (credentials:
    ``ANTHROPIC_API_KEY`` or ``ANTHROPIC_AUTH_TOKEN``; ``ANTHROPIC_MODEL``), ``headers`` go
    on every request, ``settings`` is written as ``~/.claude/settings.json``
    (``apiKeyHelper``, for one). Tool calls that need permission are refused by ``-p`` mode,
    so nothing the fake model asks for runs unless a test allows it in ``allowed_tools``
    (Claude Code's rules: ``Write``, ``Bash(ls:*)``). ``resume`` continues the session of
    that id (``--resume``), found under ``home/.claude/projects``. Claude Code runs in
    ``project`` (by default ``home/project``, made a git repository).
    """
    if not CLAUDE.exists():
        raise AssertionError(f"Claude Code is not installed at {CLAUDE}: run `make install`")
    if project is None:
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
        **endpoint_env(mode, base_url),
        **_QUIET,
        **(env or {}),
    }
    if os.geteuid() == 0:
        environment["IS_SANDBOX"] = "1"  # Claude Code refuses to run as root otherwise
    if headers:
        environment["ANTHROPIC_CUSTOM_HEADERS"] = "\n".join(f"{k}: {v}" for k, v in headers.items())
    command = [str(CLAUDE), "-p", prompt, "--output-format", "json", "--max-turns", str(max_turns)]
    if allowed_tools:
        command += ["--allowedTools", ",".join(allowed_tools)]
    if resume is not None:
        command += ["--resume", resume]
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


# The round trip's calls: sudo in Bash, which a chain with the guide's example policy
# (no_sudo) blocks, and a Write into the project, the only tool Claude Code may run.
_SUDO = {"name": "Bash", "arguments": {"command": "sudo rm -rf /var/log/app"}}
_NOTE = "written through Sluice\n"


def tool_round_trip(
    base_url: str,
    home: Path,
    *,
    mode: Mode,
    model: str,
    env: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> ClaudeRun:
    """Claude Code in ``mode``, told to use ``model``, asked for a blocked sudo command and a
    Write of ``project/notes.txt`` in one turn; once the Write's result is back, the fake
    upstream answers with its scripted text (``x-fake-after-tools``). ``env`` and
    ``headers`` (more of the fake's directives) as for ``run_claude``."""
    write = {"file_path": str(home / "project" / "notes.txt"), "content": _NOTE}
    calls = [_SUDO, {"name": "Write", "arguments": write}]
    return run_claude(
        base_url,
        "free some disk space and note what you did",
        home,
        mode=mode,
        env={"ANTHROPIC_MODEL": model, **(env or {})},
        headers={
            "x-fake-tool": json.dumps(calls),
            "x-fake-after-tools": "text",
            **(headers or {}),
        },
        allowed_tools=["Write"],
        max_turns=3,
        timeout=120,
    )


def assert_tool_round_trip(run: ClaudeRun, home: Path, second: Mapping[str, Any]) -> None:
    """What Claude Code did in ``tool_round_trip``, from its output, its project and
    ``second``, the body of its second request as the provider received it."""
    _assert_ran(run, home)
    *_, said, results = second["messages"]
    assert said["role"] == "assistant"
    text = "".join(part["text"] for part in said["content"] if part["type"] == "text")
    _assert_refused(text)
    [write] = [part for part in said["content"] if part["type"] == "tool_use"]
    assert write["name"] == "Write"
    assert results["role"] == "user"
    [result] = [part for part in results["content"] if part["type"] == "tool_result"]
    assert result["tool_use_id"] == write["id"]
    assert "File created successfully" in str(result["content"])


def assert_chat_tool_round_trip(run: ClaudeRun, home: Path, second: Mapping[str, Any]) -> None:
    """As ``assert_tool_round_trip``, for a provider that speaks Chat Completions: the
    second request, translated, carries the turn as Chat does (the assistant's text and
    ``tool_calls``, then a ``tool`` message answering the call)."""
    _assert_ran(run, home)
    messages = second["messages"]
    said = max(i for i, message in enumerate(messages) if message["role"] == "assistant")
    content = messages[said]["content"]
    parts = [content] if isinstance(content, str) else [part["text"] for part in content]
    _assert_refused("".join(parts))
    [write] = messages[said]["tool_calls"]
    assert write["type"] == "function"
    assert write["function"]["name"] == "Write"
    assert json.loads(write["function"]["arguments"])["content"] == _NOTE
    [result] = [message for message in messages[said:] if message["role"] == "tool"]
    assert result["tool_call_id"] == write["id"]
    assert "File created successfully" in str(result["content"])


def _assert_ran(run: ClaudeRun, home: Path) -> None:
    assert not run.is_error, run.output
    # Never asked to run the sudo command: it did not reach Claude Code as a call.
    assert run.output["permission_denials"] == [], run.output
    assert "scripted" in run.result  # the answer to the tool result, the final text
    assert run.turns == 2, run.output
    assert (home / "project" / "notes.txt").read_text() == _NOTE


def _assert_refused(text: str) -> None:
    """``text``, the assistant's in the second request, holds the gateway's refusal."""
    assert "Sluice blocked a tool call." in text
    assert "Reason: commands run as root need a human at the keyboard" in text
