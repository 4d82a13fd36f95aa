"""Fixtures shared across the test tree: the store's backends (SQLite and a real Postgres)."""

pytest_plugins = ["tests.store.fixtures"]
