"""Claude Code's metadata.user_id, read as a user and a device; anything else left alone."""

from __future__ import annotations

import json

import pytest

from sluice.store.users import ClientUser, parse_user_id, readable_user

DEVICE = "5f1e2d3c4b5a69788796a5b4c3d2e1f0aa5f1e2d3c4b5a69788796a5b4c3d2e1f"
ACCOUNT = "0b5c9e4e-1111-2222-3333-444455556666"


def claude(device: str = DEVICE, account: str = ACCOUNT, session: str = "s-1") -> str:
    return json.dumps({"device_id": device, "account_uuid": account, "session_id": session})


def test_the_parts_are_read() -> None:
    assert parse_user_id(claude()) == ClientUser(ACCOUNT, DEVICE, "s-1")
    assert parse_user_id(claude(account="")) == ClientUser(None, DEVICE, "s-1")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (claude(), f"account {ACCOUNT}, device 5f1e2d3c4b5a"),
        (claude(account=""), "device 5f1e2d3c4b5a"),
        (claude(device="", account=""), None),  # a session id alone names no one
        ("alice@example.com", "alice@example.com"),
        ("user_abc_account_def_session_s1", "user_abc_account_def_session_s1"),
        ("{not json", "{not json"),
        ('["a list"]', '["a list"]'),
        ("", None),
        (None, None),
        ("u" * 500, "u" * 200),
    ],
)
def test_what_a_person_reads(raw: str | None, shown: str | None) -> None:
    assert readable_user(raw) == shown
    assert readable_user(shown) == shown  # reading it again changes nothing


def test_the_raw_json_is_never_shown() -> None:
    shown = readable_user(claude())
    assert shown is not None
    assert "{" not in shown
    assert "s-1" not in shown
    assert DEVICE not in shown
