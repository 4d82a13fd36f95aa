"""Sluice's build. Everything is declared in ``pyproject.toml``; this adds one option.

With ``SLUICE_COMPILE=1`` the modules of the built-in tool rules (``sluice/policies/_*.py``,
the code that judges every new tool call) are compiled to C extensions by mypyc, which
judges a new call about twice as fast (see "Compiled rules" in ``docs/architecture.md``).
It needs mypy, a C compiler, Python's headers and Sluice's dependencies where it builds, so
it is built without isolation: ``make compiled`` builds a copy of the package in
``build/compiled`` (``scripts/compile-rules``), and the Dockerfile builds the image's wheel
with ``SLUICE_COMPILE=1 pip wheel --no-build-isolation``.

Without it, the build is pure Python, as ``make install`` installs Sluice for development.
"""

from __future__ import annotations

import os
from pathlib import Path

from setuptools import setup

# Left interpreted: the package's __init__.py (it holds no rule), and _quoted.py, whose
# classes subclass str.
_INTERPRETED = {"__init__.py", "_quoted.py"}


def compiled_modules() -> list[str]:
    """The source files mypyc compiles, as paths from the project's root."""
    policies = Path(__file__).parent / "sluice" / "policies"
    return [
        f"sluice/policies/{path.name}"
        for path in sorted(policies.glob("_*.py"))
        if path.name not in _INTERPRETED
    ]


def _extensions() -> list[object]:
    if os.environ.get("SLUICE_COMPILE") != "1":
        return []
    from mypyc.build import mypycify

    modules = compiled_modules()
    # Only these are compiled; mypy reads the rest of Sluice (and its dependencies) to check
    # them, as `make lint` does.
    return list(mypycify(modules, only_compile_paths=modules, group_name="sluice_rules"))


setup(ext_modules=_extensions())
