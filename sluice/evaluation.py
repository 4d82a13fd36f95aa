"""How well a tool-call policy tells dangerous calls from everyday ones, on a labelled corpus.

``sluice policies eval tool_rules PATH`` reads JSON Lines cases (a file, or every ``.jsonl``
file directly in a folder)::

    {"id": "cc-0001", "client": "claude-code", "tool": "Bash",
     "input": {"command": "rm -rf ~"}, "cwd": "/home/dev/app",
     "expect": "block", "rule": "wipe_root_or_home", "note": "why"}

and runs each through the policy's ``tool_call`` hook as the gateway would: inside a request
of the client's format that reports ``cwd`` where that client does (Claude Code's system
prompt, Codex's ``<environment_context>``, Cursor's user info). It reports the recall on
the calls to block (overall and per rule), the false-positive rate on the calls to allow, the
blocks by another rule than expected, and lists every miss and false positive.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sluice.config import PolicySettings
from sluice.hooks import ExchangeContext, ToolCallHook
from sluice.model import Format, ToolCall
from sluice.policy import Policy
from sluice.sidecar.formats import adapter_for

__all__ = ["Case", "Outcome", "Report", "evaluate", "load_cases", "run"]


@dataclass(frozen=True, slots=True)
class Case:
    """One labelled tool call."""

    id: str
    client: str
    tool: str
    input: Any
    expect: str  # "block" or "allow"
    rule: str | None = None
    cwd: str | None = None
    note: str = ""

    @property
    def summary(self) -> str:
        """The command or path the call is about, for a listing."""
        if isinstance(self.input, dict):
            for key in ("command", "cmd", "file_path", "target_file", "path", "input"):
                if (value := self.input.get(key)) is not None:
                    return value if isinstance(value, str) else json.dumps(value)
        return json.dumps(self.input)[:200]


def load_cases(path: Path) -> list[Case]:
    """The cases in ``path``: a ``.jsonl`` file, or each ``.jsonl`` file directly in a folder
    (not its subfolders). Raises ``ValueError`` naming the file and line of a bad case."""
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    cases = []
    for file in files:
        for number, line in enumerate(file.read_text().splitlines(), start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                cases.append(
                    Case(
                        id=str(raw["id"]),
                        client=str(raw.get("client", "claude-code")),
                        tool=str(raw["tool"]),
                        input=raw["input"],
                        expect=raw["expect"],
                        rule=raw.get("rule"),
                        cwd=raw.get("cwd"),
                        note=str(raw.get("note", "")),
                    )
                )
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ValueError(f"{file}:{number}: not a case: {exc!r}") from None
            if cases[-1].expect not in ("block", "allow"):
                raise ValueError(f"{file}:{number}: expect must be block or allow")
    return cases


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the policy did with a case: the reason it blocked it (None: allowed), the rule
    the reason names (``(rule NAME)`` at its end), and the error it raised, if it did (the
    call is then judged as the policy's ``on_error`` says, as the gateway judges it)."""

    case: Case
    blocked: str | None
    rule: str | None
    error: str | None = None


@dataclass(slots=True)
class Report:
    """Recall on the calls to block, false positives on the calls to allow."""

    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def dangerous(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.case.expect == "block"]

    @property
    def everyday(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.case.expect == "allow"]

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self.dangerous if o.blocked is None]

    @property
    def false_positives(self) -> list[Outcome]:
        return [o for o in self.everyday if o.blocked is not None]

    @property
    def wrong_rule(self) -> list[Outcome]:
        return [
            o
            for o in self.dangerous
            if o.blocked is not None and o.case.rule and o.rule != o.case.rule
        ]

    @property
    def errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error is not None]

    @property
    def recall(self) -> float:
        return 1 - len(self.misses) / len(self.dangerous) if self.dangerous else 1.0

    @property
    def false_positive_rate(self) -> float:
        return len(self.false_positives) / len(self.everyday) if self.everyday else 0.0

    def render(self) -> str:
        """The report as text: per rule, overall, then every miss and false positive."""
        lines = [f"{'rule':<26} {'cases':>6} {'caught':>7} {'recall':>7} {'other rule':>11}"]
        totals = Counter(o.case.rule or "(none)" for o in self.dangerous)
        caught = Counter(o.case.rule or "(none)" for o in self.dangerous if o.blocked)
        wrong = Counter(o.case.rule or "(none)" for o in self.wrong_rule)
        for rule in sorted(totals):
            recall = caught[rule] / totals[rule]
            lines.append(
                f"{rule:<26} {totals[rule]:>6} {caught[rule]:>7} {recall:>7.3f} {wrong[rule]:>11}"
            )
        blocked = len(self.dangerous) - len(self.misses)
        lines += [
            "",
            f"dangerous calls: {len(self.dangerous)}, blocked {blocked}, recall {self.recall:.4f}; "
            "blocked by another rule than expected: "
            f"{len(self.wrong_rule)}",
            f"everyday calls: {len(self.everyday)}, blocked {len(self.false_positives)}, "
            f"false-positive rate {self.false_positive_rate:.4f}",
        ]
        for title, outcomes in (
            ("misses", self.misses),
            ("false positives", self.false_positives),
            ("blocked by another rule", self.wrong_rule),
            ("errors (the policy raised; judged as its on_error says)", self.errors),
        ):
            if outcomes:
                lines += ["", f"{title}:"]
                lines += [
                    f"  {o.case.id} {o.case.tool}: {o.case.summary!r} "
                    f"expected {o.case.expect}{f' ({o.case.rule})' if o.case.rule else ''}, "
                    f"got {'block (' + str(o.rule) + ')' if o.blocked else 'allow'}"
                    + (f": {o.error}" if o.error else "")
                    for o in outcomes
                ]
        return "\n".join(lines) + "\n"


_RULE = re.compile(r"\(rule ([\w.-]+)\)$")


async def evaluate(policy: Policy[Any], cases: Iterable[Case]) -> Report:
    """Run each case through ``policy``'s ``tool_call`` hook, as the gateway would."""
    report = Report()
    for number, case in enumerate(cases):
        hook = ToolCallHook(
            _context(case),
            ToolCall(f"call_{number}", case.tool, json.dumps(case.input)),
        )
        try:
            await policy.tool_call(hook)  # type: ignore[attr-defined]  # checked by the caller
        except Exception as exc:  # as the gateway does: the policy failed, on_error decides
            error = f"{type(exc).__name__}: {exc}"
            failed = f"{policy.name} failed: {error}" if policy.config.on_error == "block" else None
            report.outcomes.append(Outcome(case, failed, None, error))
            continue
        found = _RULE.search(hook.blocked or "")
        report.outcomes.append(Outcome(case, hook.blocked, found.group(1) if found else None))
    return report


def _context(case: Case) -> ExchangeContext:
    """An exchange of the case's client whose request reports the case's working folder."""
    cwd = case.cwd
    if case.client == "codex":
        fmt = Format.OPENAI_RESPONSES
        context = f"<environment_context>\n  <cwd>{cwd}</cwd>\n</environment_context>"
        body: dict[str, Any] = {
            "model": "gpt-5-codex",
            "input": [{"role": "user", "content": [{"type": "input_text", "text": context}]}]
            if cwd
            else "hello",
        }
        path = "/v1/responses"
    elif case.client == "cursor":
        fmt = Format.OPENAI_CHAT
        info = f"The absolute path of the user's workspace is {cwd}." if cwd else ""
        body = {
            "model": "gpt-5",
            "messages": [
                {"role": "system", "content": f"<user_info>\n{info}\n</user_info>"},
                {"role": "user", "content": "hello"},
            ],
        }
        path = "/v1/chat/completions"
    else:
        fmt = Format.ANTHROPIC
        env = f"<env>\nWorking directory: {cwd}\n</env>" if cwd else ""
        body = {
            "model": "claude-sonnet-4-6",
            "max_tokens": 1024,
            "system": [{"type": "text", "text": f"You are Claude Code.\n{env}"}],
            "messages": [{"role": "user", "content": "hello"}],
        }
        path = "/v1/messages"
    request = adapter_for(fmt).parse_request(json.dumps(body).encode())
    return ExchangeContext(fmt, path, request, client="eval", session=case.id)


def run(
    name: str, path: Path, config: PolicySettings | None, min_recall: float, max_fpr: float
) -> int:
    """``sluice policies eval``: print the report of policy ``name`` (configured as in
    ``config``'s first entry of that name, else by default) on the cases at ``path``; the
    exit status is 1 below ``min_recall`` or above ``max_fpr``, 2 if it cannot run."""
    from sluice.policies import BUILTINS
    from sluice.policy import PolicyError, load_policy_class

    settings: dict[str, Any] = {}
    if config is not None:
        refs = [ref for _, _, ref in config.entries() if ref.name == name]
        settings = refs[0].config if refs else {}
    try:
        policy = load_policy_class(name, BUILTINS).configure(settings, name)
        cases = load_cases(path)
    except (PolicyError, ValueError, OSError) as exc:
        print(f"sluice: {exc}", file=sys.stderr)
        return 2
    if "tool_call" not in policy.hooks():
        print(f"sluice: {name} judges no tool calls", file=sys.stderr)
        return 2
    report = asyncio.run(evaluate(policy, cases))
    print(report.render(), end="")
    failed = []
    if report.recall < min_recall:
        failed.append(f"recall {report.recall:.4f} is below {min_recall}")
    if report.false_positive_rate > max_fpr:
        failed.append(f"false-positive rate {report.false_positive_rate:.4f} is above {max_fpr}")
    for reason in failed:
        print(f"FAIL: {reason}", file=sys.stderr)
    return 1 if failed else 0
