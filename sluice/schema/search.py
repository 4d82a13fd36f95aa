"""The full-text search index over stored JSON text (Postgres only; see migration 0004)."""

from __future__ import annotations

from sqlalchemy import Index, text

__all__ = ["search_index"]


def search_index(name: str, column: str) -> Index:
    """A GIN index over the strings of JSON ``column``: the expression the history API's
    search spells (``sluice.store.listing``), so Postgres can use it. SQLite gets none."""
    strings = f"jsonb_to_tsvector('simple'::regconfig, {column}::jsonb, '[\"string\"]'::jsonb)"
    index = Index(name, text(strings), postgresql_using="gin")
    return index.ddl_if(dialect="postgresql")
