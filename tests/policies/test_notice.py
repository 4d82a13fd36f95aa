from __future__ import annotations

import textwrap
from itertools import takewhile
from typing import Any

import pytest
import yaml

from sluice.policies import notice
from sluice.policies.notice import Notice
from sluice.policy import PolicyError
from tests.policies.factories import end_hook


async def added(config: dict[str, Any]) -> list[str]:
    policy = Notice.configure(config)
    assert isinstance(policy, Notice)
    hook = end_hook()
    await policy.end(hook)
    return hook.added


def test_handles_the_end_only() -> None:
    assert Notice.declared_hooks() == {"end"}
    assert Notice.configure({}).hooks() == {"end"}
    # Holding tool calls back for nothing would cost every stream.
    assert Notice.configure({"text": ""}).hooks() == set()


@pytest.mark.parametrize(
    ("config", "line"),
    [
        ({}, "— This conversation is logged and monitored by your organisation."),
        ({"org": "Acme IT"}, "— This conversation is logged and monitored by Acme IT."),
        ({"text": "Monitored by {org} {org}.", "org": "X"}, "Monitored by X X."),
        ({"text": "Policy: {see wiki} for {org}", "org": "X"}, "Policy: {see wiki} for X"),
        ({"text": "No placeholder"}, "No placeholder"),
    ],
)
async def test_adds_the_line(config: dict[str, Any], line: str) -> None:
    assert await added(config) == [line]


def test_bad_config_names_the_key() -> None:
    with pytest.raises(PolicyError, match="notice: organisation: Extra inputs are not permitted"):
        Notice.configure({"organisation": "Acme"}, name="notice")


async def test_documented_config_works() -> None:
    block = (notice.__doc__ or "").split("In the gateway config::\n\n", 1)[1]
    lines = takewhile(lambda line: not line or line.startswith("    "), block.splitlines())
    (entry,) = yaml.safe_load(textwrap.dedent("\n".join(lines)))["policies"]
    assert entry["name"] == "notice"
    assert await added(entry["config"]) == [
        "— This conversation is logged and monitored by Example Corp security."
    ]
