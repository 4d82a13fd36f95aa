"""The production image: what its build context holds, and what is left out of it."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from sluice.cli import main
from tests.harness import ROOT


def _pattern(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as a regular expression (``*`` within a folder, ``**`` across)."""
    parts = re.split(r"(\*\*/?|\*|\?)", pattern.strip("/"))
    table = {"**": ".*", "**/": "(?:.*/)?", "*": "[^/]*", "?": "[^/]"}
    return re.compile("".join(table.get(part, re.escape(part)) for part in parts))


def build_context() -> set[str]:
    """The files of the repository that ``docker build`` receives, after .dockerignore
    (the last matching line decides; a line matching a folder covers all below it)."""
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    rules = [
        (line.startswith("!"), _pattern(line.removeprefix("!")))
        for line in map(str.strip, lines)
        if line and not line.startswith("#")
    ]
    sent = set()
    for path in _files():
        relative = path.relative_to(ROOT)
        prefixes = ["/".join(relative.parts[: i + 1]) for i in range(len(relative.parts))]
        included = True
        for negated, rule in rules:
            if any(rule.fullmatch(prefix) for prefix in prefixes):
                included = negated
        if included:
            sent.add(relative.as_posix())
    return sent


def _files() -> list[Path]:
    """The repository's files, without the version control's and the tools' caches."""
    found = []
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [s for s in subfolders if s not in _CACHES]
        found += [Path(folder) / name for name in names]
    return found


_CACHES = {".git", ".venv", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis"}


def test_the_image_leaves_the_fake_upstream_out() -> None:
    sent = build_context()
    assert {"pyproject.toml", "README.md", "sluice/cli.py", "sluice/sidecar/server.py"} <= sent
    assert "sluice/admin/openapi.yaml" in sent
    assert not [name for name in sent if name.startswith("sluice/fake_upstream")]
    assert not [name for name in sent if name.startswith(("tests/", "examples/", "bench/"))]


def test_sluice_fake_upstream_without_the_package_says_why(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # As in the image: the package is not there to import.
    for name in [m for m in sys.modules if m.startswith("sluice.fake_upstream")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "sluice.fake_upstream", None)
    with pytest.raises(SystemExit) as exited:
        main(["fake-upstream", "--port", "0"])
    message = str(exited.value.code)
    assert "development and demo tool" in message
    assert "make demo" in message
