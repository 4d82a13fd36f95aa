"""Where the store tests find the PostgreSQL server binaries."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.store.postgres import server_binaries


def test_sluice_pg_bin_comes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for tool in ("initdb", "pg_ctl"):
        (tmp_path / tool).touch()
    monkeypatch.setenv("SLUICE_PG_BIN", str(tmp_path))
    assert server_binaries() == tmp_path


def test_an_installed_server_is_found_wherever_debian_put_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLUICE_PG_BIN", str(tmp_path))  # empty: not a server's directory
    found = server_binaries()
    assert found != tmp_path
    assert (found / "initdb").is_file()
    assert (found / "pg_ctl").is_file()


def test_no_server_anywhere_names_the_places_looked_at(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLUICE_PG_BIN", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(Path, "glob", lambda self, pattern: iter(()))
    with pytest.raises(RuntimeError, match=f"not found in {tmp_path}.*scripts/system-deps"):
        server_binaries()
