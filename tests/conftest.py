"""Fixtures shared across the test tree: the store's backends (SQLite and a real Postgres).

``SLUICE_EXPECT_COMPILED=1`` (``make compiled-test``) refuses to run the tests unless the
tool rules were imported compiled: a path that found the source first would pass them
without testing the compiled rules at all.
"""

import os

import pytest

pytest_plugins = ["tests.store.fixtures"]


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("SLUICE_EXPECT_COMPILED") != "1":
        return
    import sluice.policies._builtin as rules

    if not rules.__file__ or not rules.__file__.endswith(".so"):
        raise pytest.UsageError(f"the tool rules were not compiled: {rules.__file__} imported")
