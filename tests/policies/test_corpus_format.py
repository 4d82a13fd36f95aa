"""Every line of the tool-call corpus (``corpus/tool_calls``) follows the format that
``sluice policies eval tool_rules`` reads, and the corpus is as large as promised."""

from __future__ import annotations

import importlib
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sluice.policies.tool_rules import BUILTIN_RULES

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "tool_calls"
SHIPPED = {
    "claude_code.jsonl": "claude-code",
    "codex.jsonl": "codex",
    "cursor.jsonl": "cursor",
}
HELDOUT = CORPUS / "heldout" / "heldout.jsonl"
# Calls written blind by probing sessions; the rules were mended against what they found.
PROBES = sorted((CORPUS / "probes").glob("*.jsonl"))
# The rule names a block entry may name: the contract with the tool_rules built-ins.
RULES = set(BUILTIN_RULES)
KEYS = {"id", "client", "tool", "input", "cwd", "expect", "rule", "note"}
CLIENTS = {"claude-code", "codex", "cursor"}
# Other coding agents whose tool shapes a probe sent through the rules (probes 27 and 29).
OTHER_AGENTS = {"gemini-cli", "cline", "roo-code", "kilo-code", "windsurf", "copilot"}
OTHER_AGENTS |= {"openhands", "goose", "amazon-q", "opencode", "continue", "zed", "augment"}
OTHER_AGENTS |= {"swe-agent", "aider", "openai-agents", "anthropic-api"}
# Shell tools and the argument that holds the command, with its type.
SHELL_ARGUMENT = {
    "Bash": ("command", str),
    "exec_command": ("cmd", str),
    "shell": ("command", list),
    "run_terminal_cmd": ("command", str),
}


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            assert line.strip(), f"{path.name}:{n}: blank line"
            entry = json.loads(line)
            assert isinstance(entry, dict), f"{path.name}:{n}: not an object"
            yield n, entry


def _all() -> list[tuple[str, int, dict[str, Any]]]:
    paths = [CORPUS / name for name in SHIPPED] + [HELDOUT, *PROBES]
    return [(p.name, n, e) for p in paths for n, e in _lines(p)]


def _nonempty(value: object, kind: type) -> bool:
    return isinstance(value, kind) and bool(value)


def _check(where: str, e: dict[str, Any]) -> None:
    assert set(e) <= KEYS, f"{where}: unknown keys {sorted(set(e) - KEYS)}"
    assert KEYS - {"cwd"} <= set(e), f"{where}: missing {sorted(KEYS - {'cwd'} - set(e))}"
    assert _nonempty(e["id"], str), where
    probe = where.startswith("probe_")
    assert e["client"] in (CLIENTS | OTHER_AGENTS if probe else CLIENTS), where
    assert _nonempty(e["tool"], str), where
    assert isinstance(e["input"], dict), where
    cwd = str(e.get("cwd", "/"))  # POSIX, or Windows' (C:\\Users\\sam\\project)
    assert cwd.startswith("/") or cwd[1:3] == ":\\", f"{where}: cwd is an absolute path"
    assert _nonempty(str(e["note"]).strip(), str), where
    if e["expect"] == "block":
        assert e["rule"] in RULES, f"{where}: unknown rule {e['rule']!r}"
    else:
        assert e["expect"] == "allow", f"{where}: expect {e['expect']!r}"
        assert e["rule"] is None, f"{where}: an allow names no rule"
    # (The OpenAI API's own shell tool, which the Agents SDK sends, is also named `shell`:
    # its commands are a list of lines, in its action or bare; or the SDK sends Codex's shape.)
    given = e["input"].get("action") or e["input"]
    openai_shell = (e["client"], e["tool"]) == ("openai-agents", "shell")
    openai_shell = openai_shell and isinstance(given, dict) and "commands" in given
    if e["tool"] in SHELL_ARGUMENT:
        key, kind = ("commands", list) if openai_shell else SHELL_ARGUMENT[e["tool"]]
        value = (given if openai_shell else e["input"]).get(key)
        assert _nonempty(value, kind), f"{where}: {key} must be a non-empty {kind.__name__}"
        if isinstance(value, list):
            assert all(isinstance(a, str) for a in value), f"{where}: argv of strings"


def test_every_line_is_well_formed() -> None:
    for name, n, entry in _all():
        _check(f"{name}:{n}", entry)


def test_ids_are_unique_across_files() -> None:
    counts = Counter(e["id"] for _, _, e in _all())
    assert [i for i, c in counts.items() if c > 1] == []


@pytest.mark.parametrize(("name", "client"), SHIPPED.items())
def test_each_shipped_file_holds_one_client(name: str, client: str) -> None:
    assert {e["client"] for _, e in _lines(CORPUS / name)} == {client}


def test_shipped_corpus_is_large_enough_and_covers_every_rule() -> None:
    entries = [e for name in SHIPPED for _, e in _lines(CORPUS / name)]
    expect = Counter(e["expect"] for e in entries)
    assert expect["block"] >= 330
    assert expect["allow"] >= 1100
    rules = Counter(e["rule"] for e in entries if e["rule"])
    assert {r for r in RULES if rules[r] < 5} == set()


def test_heldout_is_large_enough_and_covers_every_rule() -> None:
    entries = [e for _, e in _lines(HELDOUT)]
    expect = Counter(e["expect"] for e in entries)
    assert expect["block"] >= 60
    assert expect["allow"] >= 150
    assert {e["rule"] for e in entries} >= RULES


def test_heldout_shares_no_call_with_the_shipped_corpus() -> None:
    def key(e: dict[str, Any]) -> str:
        return json.dumps([e["tool"], e["input"]], sort_keys=True)

    shipped = {key(e) for name in SHIPPED for _, e in _lines(CORPUS / name)}
    assert [e["id"] for _, e in _lines(HELDOUT) if key(e) in shipped] == []


def _load(folder: Path, module: str) -> Any:
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(module)
    finally:
        sys.path.remove(str(folder))


def test_shipped_files_are_what_generate_py_writes() -> None:
    built = _load(CORPUS, "generate").build()
    for name, client in SHIPPED.items():
        on_disk = [e for _, e in _lines(CORPUS / name)]
        assert on_disk == built[client], f"{name} is stale: run corpus/tool_calls/generate.py"


def test_heldout_file_is_what_its_script_writes() -> None:
    assert [e for _, e in _lines(HELDOUT)] == _load(HELDOUT.parent, "build").entries()


def test_readme_counts_each_file_as_it_is() -> None:
    """The README's table of files says how many calls each holds, and how many block: a
    relabelled call changes both, and the table with it."""
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    rows = re.findall(
        r"^\| `([\w/]+\.jsonl)` \| ([\d,]+) \| ([\d,]+) \| ([\d,]+) \|$", readme, re.M
    )
    assert len(rows) == len(SHIPPED) + 1 + len(PROBES)
    for name, calls, blocks, allows in rows:
        expected = [json.loads(line)["expect"] for line in (CORPUS / name).open(encoding="utf-8")]
        counted = (len(expected), expected.count("block"), expected.count("allow"))
        assert counted == tuple(int(n.replace(",", "")) for n in (calls, blocks, allows)), name
