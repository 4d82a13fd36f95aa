"""Who may import whom: the admin server sees the gateway through one module, and nothing on
the data path imports the admin server."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.harness import ROOT

SLUICE = ROOT / "sluice"


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth (lazy imports included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules(package: str) -> list[Path]:
    return sorted((SLUICE / package).rglob("*.py"))


@pytest.mark.parametrize("path", modules("admin"), ids=lambda p: str(p.relative_to(SLUICE)))
def test_only_the_gateway_window_imports_the_sidecar(path: Path) -> None:
    sidecar = {name for name in imported(path) if name.startswith("sluice.sidecar")}
    if path.name == "_gateway.py":
        assert sidecar  # the window exists and is used
    else:
        assert not sidecar, f"{path.name} imports {sorted(sidecar)}: go through _gateway"


@pytest.mark.parametrize(
    "path",
    [*modules("sidecar"), *modules("store"), *modules("policies"), *modules("envoy")],
    ids=lambda p: str(p.relative_to(SLUICE)),
)
def test_nothing_on_the_data_path_imports_the_admin_server(path: Path) -> None:
    admin = {name for name in imported(path) if name.startswith("sluice.admin")}
    assert not admin, f"{path} imports {sorted(admin)}"
