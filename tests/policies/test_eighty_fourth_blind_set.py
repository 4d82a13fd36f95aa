"""Classes taught from the eighty-fourth blind set (data services of every kind), next to
the everyday calls spelt the same way."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import bash


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        # The clients of the stores that speak Redis's protocol are Redis's client.
        ("valkey-cli -h valkey.staging.acme.io flushall async", "drop_database"),
        ("keydb-cli -h cache.prod.example.com FLUSHDB", "drop_database"),
        ("valkey-cli -u redis://cache.prod.example.com:6379 FLUSHALL", "drop_database"),
        ("valkey-cli FLUSHALL", None),  # the developer's own, on this machine
        ("valkey-cli -h valkey.staging.acme.io INFO keyspace", None),
        ("keydb-cli -h cache.prod.example.com --scan --pattern 'sess:*' | head", None),
    ],
)
def test_shell_calls(command: str, rule: str | None) -> None:
    assert bash(command) == rule
