"""The schema's picture in docs/event-log.md: generated from the tables, never drifting."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, insert, select

from sluice.schema import create_engine, metadata, upgrade
from sluice.schema.diagram import DOC, main, render, updated
from sluice.schema.samples import SAMPLES
from sluice.store._tables import utc


def test_the_document_shows_the_tables_as_they_are() -> None:
    text = DOC.read_text()
    assert updated(text, render()) == text, "docs/event-log.md drifted: run `make schema-doc`"


def test_every_table_and_reference_is_drawn() -> None:
    section = render()
    for table in metadata.sorted_tables:
        assert f"    {table.name} {{" in section
        assert f"#### `{table.name}`" in section
    assert 'sessions |o--o{ exchanges : "session_id"' in section  # a nullable reference
    assert 'exchanges ||--o{ events : "exchange_id"' in section


def test_a_column_without_an_example_fails_the_generator() -> None:
    grown = MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(grown)
    grown.tables["sessions"].append_column(Column("mood", Integer))
    with pytest.raises(KeyError, match="sessions: no sample for mood"):
        render(grown)


def test_the_check_fails_on_a_stale_document(tmp_path: Path) -> None:
    stale = tmp_path / "event-log.md"
    stale.write_text(DOC.read_text().replace("varchar git_branch", "varchar branch"))
    assert main(["--check", str(stale)]) == 1
    assert main([str(stale)]) == 0
    assert main(["--check", str(stale)]) == 0


async def test_the_examples_are_rows_the_schema_accepts(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'samples.db'}"
    await upgrade(url)
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            for table in metadata.sorted_tables:  # parents first
                await connection.execute(insert(table), [SAMPLES[table.name]])
        async with engine.connect() as connection:
            for table in metadata.sorted_tables:
                [row] = (await connection.execute(select(table))).mappings().all()
                read = {k: utc(v) if hasattr(v, "tzinfo") else v for k, v in row.items()}
                assert read == SAMPLES[table.name]
    finally:
        await engine.dispose()
