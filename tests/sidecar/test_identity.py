"""Sessions: the client's own id or a hash of the opening, always scoped to the caller."""

from __future__ import annotations

import json

from sluice.model import Format, Message, Request, Text
from sluice.sidecar.identity import session_id


def request(first: str = "hi", metadata: dict[str, str] | None = None) -> Request:
    body: dict[str, object] = {"model": "m", "messages": []}
    if metadata is not None:
        body["metadata"] = metadata
    return make(body, [Message("user", [Text(first)])])


def make(body: dict[str, object], messages: list[Message]) -> Request:
    return Request(Format.ANTHROPIC, "m", False, messages, [], None, body)


def test_two_clients_opening_alike_get_two_sessions() -> None:
    alice = session_id({}, request("hi"), scope="key:aaaa")
    bob = session_id({}, request("hi"), scope="key:bbbb")
    assert alice is not None
    assert bob is not None
    assert alice != bob
    assert session_id({}, request("hi"), scope="key:aaaa") == alice  # stable across turns


def test_a_clients_own_id_is_kept_readable_and_scoped() -> None:
    headers = {"x-claude-code-session-id": "7f3e-11"}
    assert session_id(headers, request(), scope="key:aaaa") == "7f3e-11@key:aaaa"
    assert session_id(headers, request(), scope="key:bbbb") == "7f3e-11@key:bbbb"
    assert session_id(headers, request()) == "7f3e-11"


def test_the_session_inside_claude_codes_user_id_is_used() -> None:
    user_id = json.dumps({"device_id": "d", "account_uuid": "", "session_id": "s-42"})
    found = session_id({}, request(metadata={"user_id": user_id}), scope="key:aaaa")
    assert found == "s-42@key:aaaa"


def test_ids_stay_within_what_the_store_keeps() -> None:
    headers = {"x-claude-code-session-id": "x" * 5000}
    found = session_id(headers, request(), scope="user:" + "y" * 500)
    assert found is not None
    assert len(found) <= 200
    assert found.startswith("c:")


def test_without_a_user_message_the_first_message_names_the_session() -> None:
    system_only = make({}, [Message("system", [Text("be brief")])])
    assert session_id({}, system_only, scope="key:a") is not None
