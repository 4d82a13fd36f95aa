"""The key format, its hash, and what a key record allows."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest

from sluice.auth import KEY_PREFIX, KeyRecord, generate_key, hash_key, looks_like_key, parse_expiry

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def record(**changes: object) -> KeyRecord:
    base = KeyRecord(
        id="key_0123456789ab",
        hash="0" * 64,
        user="alice",
        team="payments",
        models=(),
        expires_at=None,
        revoked_at=None,
        tokens_per_day=None,
        created_at=NOW - timedelta(days=1),
        last_used_at=None,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_a_generated_key_has_the_prefix_and_192_random_bits() -> None:
    key_id, secret = generate_key()
    assert secret.startswith(KEY_PREFIX)
    assert len(secret) == len(KEY_PREFIX) + 32  # 24 bytes, URL-safe base64
    assert looks_like_key(secret)
    assert key_id.startswith("key_")
    assert len(key_id) == 16
    assert key_id[4:] not in secret
    assert key_id[4:] not in hash_key(secret)


def test_keys_and_ids_do_not_repeat() -> None:
    pairs = [generate_key() for _ in range(1000)]
    assert len({i for i, _ in pairs}) == len({s for _, s in pairs}) == 1000


def test_the_hash_is_the_sha256_of_the_whole_key() -> None:
    _, secret = generate_key()
    assert hash_key(secret) == hashlib.sha256(secret.encode()).hexdigest()
    assert hash_key(secret) != hash_key(secret[len(KEY_PREFIX) :])


@pytest.mark.parametrize(
    "value",
    [
        "",
        "sk-sluice-",
        "sk-sluice-short",  # fewer than 128 bits
        "sk-ant-api03-" + "a" * 40,
        "SK-SLUICE-" + "a" * 32,
        "sk-sluice-" + "a" * 31 + "!",
        "sk-sluice-" + "a" * 32 + "\n",
        " sk-sluice-" + "a" * 32,
        "sk-sluice-" + "a" * 200,
    ],
)
def test_malformed_credentials_do_not_look_like_keys(value: str) -> None:
    assert not looks_like_key(value)


def test_a_usable_key_is_neither_revoked_nor_expired() -> None:
    assert record().usable(NOW)
    assert record(expires_at=NOW + timedelta(seconds=1)).usable(NOW)
    assert not record(expires_at=NOW).usable(NOW)
    assert not record(revoked_at=NOW - timedelta(hours=1)).usable(NOW)


def test_models_are_globs_and_none_means_any() -> None:
    anything = record()
    assert anything.allows_model("gpt-5")
    assert anything.allows_model(None)
    claude = record(models=("claude-*", "gpt-5-mini"))
    assert claude.allows_model("claude-sonnet-4-5")
    assert claude.allows_model("gpt-5-mini")
    assert not claude.allows_model("gpt-5")
    assert not claude.allows_model("Claude-sonnet-4-5")  # case matters, as in model names
    assert not claude.allows_model(None)  # a restricted key needs a model to check


def test_expiry_is_a_duration_or_a_date() -> None:
    assert parse_expiry("90d", NOW) == NOW + timedelta(days=90)
    assert parse_expiry("2w", NOW) == NOW + timedelta(weeks=2)
    assert parse_expiry(" 12h", NOW) == NOW + timedelta(hours=12)
    assert parse_expiry("30m", NOW) == NOW + timedelta(minutes=30)
    assert parse_expiry("2027-01-31", NOW) == datetime(2027, 1, 31, tzinfo=UTC)
    assert parse_expiry("2027-01-31T10:00+02:00", NOW) == datetime(2027, 1, 31, 8, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("soon", "expected a duration like 90d"),
        ("90x", "expected a duration like 90d"),
        ("0d", "cannot expire in '0d'"),
        ("2026-12-01", "'2026-12-01' is in the past"),
    ],
)
def test_a_bad_expiry_says_what_is_expected(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_expiry(text, NOW)
