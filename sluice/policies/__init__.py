"""The built-in policies, one module each, by the name the config uses."""

from __future__ import annotations

from typing import Any

from sluice.policies.dedupe_tools import DedupeTools
from sluice.policies.noop import Noop
from sluice.policies.notice import Notice
from sluice.policies.redact import Redact
from sluice.policies.replace import Replace
from sluice.policies.request_limits import RequestLimits
from sluice.policies.tool_judge import ToolJudge
from sluice.policies.tool_rules import ToolRules
from sluice.policy import Policy

__all__ = ["BUILTINS"]

BUILTINS: dict[str, type[Policy[Any]]] = {
    "dedupe_tools": DedupeTools,
    "noop": Noop,
    "notice": Notice,
    "redact": Redact,
    "replace": Replace,
    "request_limits": RequestLimits,
    "tool_judge": ToolJudge,
    "tool_rules": ToolRules,
}
