"""The built-in policies, one module each, by the name the config uses."""

from __future__ import annotations

from typing import Any

from sluice.policies.noop import Noop
from sluice.policies.tool_judge import ToolJudge
from sluice.policy import Policy

__all__ = ["BUILTINS"]

BUILTINS: dict[str, type[Policy[Any]]] = {
    "noop": Noop,
    "tool_judge": ToolJudge,
}
