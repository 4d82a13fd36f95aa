"""Which pairs translate, and the request headers a translated request carries."""

from __future__ import annotations

import pytest

from sluice.config import TRANSLATIONS
from sluice.model import Format
from sluice.sidecar.translate import translation_for


def test_the_same_format_needs_no_translation() -> None:
    assert translation_for(Format.ANTHROPIC, Format.ANTHROPIC) is None


def test_every_pair_the_config_accepts_translates() -> None:
    for client, backend in TRANSLATIONS:
        translation = translation_for(client, backend)
        assert translation is not None
        assert (translation.client, translation.backend) == (client, backend)


def test_a_pair_not_translated_fails_at_once() -> None:
    with pytest.raises(ValueError, match="not supported"):
        translation_for(Format.ANTHROPIC, Format.OPENAI_RESPONSES)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            {"x-api-key": "sk-1", "anthropic-version": "2023-06-01"},
            {"authorization": "Bearer sk-1"},
        ),
        ({"authorization": "Bearer tok"}, {}),  # ANTHROPIC_AUTH_TOKEN: already a bearer
    ],
)
def test_an_anthropic_key_goes_to_a_chat_provider_as_a_bearer_token(
    headers: dict[str, str], expected: dict[str, str]
) -> None:
    translation = translation_for(Format.ANTHROPIC, Format.OPENAI_CHAT)
    assert translation is not None
    changes = translation.headers(headers)
    assert dict(changes.set) == expected
    assert set(changes.remove) == {"anthropic-version", "anthropic-beta", "x-api-key"}


def test_an_openai_key_goes_to_an_anthropic_provider_as_its_key_header() -> None:
    for client in (Format.OPENAI_CHAT, Format.OPENAI_RESPONSES):
        translation = translation_for(client, Format.ANTHROPIC)
        assert translation is not None
        changes = translation.headers({"authorization": "Bearer sk-1"})
        assert dict(changes.set) == {"x-api-key": "sk-1", "anthropic-version": "2023-06-01"}
        assert changes.remove == ("authorization",)


def test_a_responses_client_keeps_its_headers_for_a_chat_provider() -> None:
    translation = translation_for(Format.OPENAI_RESPONSES, Format.OPENAI_CHAT)
    assert translation is not None
    changes = translation.headers({"authorization": "Bearer sk-1"})
    assert (dict(changes.set), changes.remove) == ({}, ())
