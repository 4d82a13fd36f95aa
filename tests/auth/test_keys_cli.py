"""``sluice keys create|list|revoke`` against a config's SQLite store."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sluice.auth import KeyRecord, hash_key, looks_like_key
from sluice.cli import main
from sluice.schema import async_url, create_engine, upgrade
from sluice.store.keys import active_keys, list_keys


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "sluice.yaml"
    path.write_text("store_url: sqlite:///var/sluice.db\n")
    (tmp_path / "var").mkdir()
    asyncio.run(upgrade(f"sqlite:///{tmp_path / 'var' / 'sluice.db'}"))
    return path


def sluice(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    out, err = capsys.readouterr()
    code = exited.value.code
    return (
        (code if isinstance(code, int) else 1),
        out,
        err + ("" if code in (0, None) else str(code)),
    )


def stored(config: Path) -> tuple[list[KeyRecord], list[KeyRecord]]:
    """Every key in the config's store, and the active ones."""

    async def read() -> tuple[list[KeyRecord], list[KeyRecord]]:
        engine = create_engine(async_url(f"sqlite:///{config.parent / 'var' / 'sluice.db'}"))
        try:
            return await list_keys(engine), await active_keys(engine)
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_create_prints_the_key_once_and_stores_its_hash(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = sluice(
        capsys, "keys", "create", "--config", str(config), "--user", "alice", "--team",
        "payments", "--models", "claude-*", "--models", "gpt-5-mini", "--expires", "90d",
        "--tokens-per-day", "50000", "--usd-per-month", "40.5",
    )  # fmt: skip
    assert code == 0, err
    key_id = re.search(r"^id:\s+(key_[0-9a-f]{12})$", out, re.M)
    secret = re.search(r"^key:\s+(\S+)$", out, re.M)
    assert key_id
    assert secret
    assert looks_like_key(secret.group(1))
    assert "shown once" in err
    [record], active = stored(config)
    assert active == [record]
    assert (record.id, record.hash) == (key_id.group(1), hash_key(secret.group(1)))
    assert (record.user, record.team, record.models, record.tokens_per_day) == (
        "alice", "payments", ("claude-*", "gpt-5-mini"), 50000
    )  # fmt: skip
    assert (record.usd_per_day, record.usd_per_month) == (None, 40.5)
    assert record.expires_at is not None
    expires = record.expires_at - datetime.now(UTC)
    assert timedelta(days=89) < expires <= timedelta(days=90)

    code, out, _ = sluice(capsys, "keys", "list", "--config", str(config))
    assert code == 0
    assert key_id.group(1) in out
    assert "alice" in out
    assert "payments" in out
    assert "claude-*,gpt-5-mini" in out
    assert "50000" in out
    assert secret.group(1) not in out
    assert secret.group(1)[10:20] not in out
    assert hash_key(secret.group(1)) not in out


def test_revoke_stops_a_key_and_an_unknown_id_is_an_error(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = sluice(capsys, "keys", "create", "--config", str(config), "--user", "bob")
    key_id = out.split()[1]
    assert sluice(capsys, "keys", "revoke", "--config", str(config), key_id)[:2] == (
        0, f"sluice: {key_id} revoked\n"
    )  # fmt: skip
    [record], active = stored(config)
    assert active == []
    assert record.revoked_at is not None
    code, _, err = sluice(capsys, "keys", "revoke", "--config", str(config), "key_nope")
    assert code == 1
    assert "no key 'key_nope'" in err
    _, out, _ = sluice(capsys, "keys", "list", "--config", str(config))
    [row] = [line for line in out.splitlines() if line.startswith(key_id)]
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d$", row)  # the REVOKED column has a time


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("--expires=90x", "expected a duration like 90d"),
        ("--expires=0d", "cannot expire in '0d'"),
        ("--expires=2020-01-01", "'2020-01-01' is in the past"),
        ("--tokens-per-day=-5", "expected a whole number above 0"),
    ],
)
def test_bad_arguments_are_named(
    config: Path, capsys: pytest.CaptureFixture[str], argument: str, message: str
) -> None:
    code, _, err = sluice(
        capsys, "keys", "create", "--config", str(config), "--user", "a", argument
    )
    assert code == 2
    assert message in err
    assert stored(config) == ([], [])


def test_without_a_store_or_a_schema_the_error_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    none = tmp_path / "none.yaml"
    none.write_text("store_url: null\n")
    _, _, err = sluice(capsys, "keys", "list", "--config", str(none))
    assert "store_url is null" in err
    fresh = tmp_path / "fresh.yaml"
    fresh.write_text("store_url: sqlite:///fresh.db\n")
    _, _, err = sluice(capsys, "keys", "list", "--config", str(fresh))
    assert "run `sluice db upgrade`" in err
