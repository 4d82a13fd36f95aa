"""Envoy's own verdict on a rendered bootstrap: ``envoy --mode validate``."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from sluice.envoy import envoy_binary

__all__ = ["validate"]


def validate(bootstrap: dict[str, Any], tmp_path: Path) -> None:
    """Write ``bootstrap`` under ``tmp_path`` and assert the pinned Envoy accepts it."""
    path = tmp_path / "envoy.json"
    path.write_text(json.dumps(bootstrap))
    result = subprocess.run(
        [str(envoy_binary()), "--mode", "validate", "--config-path", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "OK" in result.stdout + result.stderr
