"""``redact``: secrets, and personal data if asked, removed from what is sent and received.

Request text (the system prompt and every message, tool results included) is redacted
before the provider sees it; response text blocks and the arguments of tool calls before
the client does. Each secret is replaced by ``replacement`` with its kind filled in; labels
around it stay, so the text still reads::

    export AWS_SECRET_ACCESS_KEY=[REDACTED:aws_secret_key]
    postgres://app:[REDACTED:password]@db.internal:5432/orders

.. code-block:: yaml

    policies:
      - name: redact
        config:
          pii: true                       # emails and phone numbers too
          directions: [request, response] # the default: both
          custom:                         # RE2 syntax: no look-around
            - {name: employee_id, pattern: 'EMP-\\d{6}'}
            # Only the group named `secret` is replaced: the label stays.
            - {name: vault_token, pattern: 'VAULT_TOKEN=(?P<secret>\\S+)'}

Secrets (``secrets: true``, the default), by kind:

- ``anthropic_key`` ``sk-ant-…``; ``openai_key`` ``sk-…``, ``sk-proj-…``, ``sk-svcacct-…``;
- ``aws_access_key_id`` ``AKIA``/``ASIA`` and 16 more; ``aws_secret_key``, only after its
  label (``aws_secret_access_key = …``, ``"SecretAccessKey": "…"``, ``SECRET_KEY: …``, or
  a JSON key in a tool call): alone it is forty base64 characters, like many a harmless
  string;
- ``github_token`` ``ghp_``, ``gho_``, ``ghu_``, ``ghs_``, ``ghr_``, ``github_pat_``;
  ``slack_token`` ``xoxb-``, ``xoxp-``… and ``xapp-``; ``google_api_key`` ``AIza…``;
  ``stripe_key`` ``sk_live_``, ``rk_live_`` and their ``_test_`` forms; ``npm_token``
  ``npm_…``; ``pypi_token`` ``pypi-AgE…``; ``gitlab_token`` ``glpat-…``;
- ``private_key`` a PEM or OpenSSH ``-----BEGIN … PRIVATE KEY-----`` block, whole (or up to
  where it was cut off);
- ``jwt`` three base64url segments, the first a JSON header with ``alg`` (``eyJ…``);
- ``password`` the password of a URL (``postgres://``, ``mysql://``, ``mongodb+srv://``,
  ``redis://``, ``amqp://``, ``https://``…); placeholders (``${DB_PASSWORD}``, ``$PW``,
  ``{password}``, ``{{ pw }}``, ``***``, the word ``password`` itself) are left alone.

Personal data (``pii: true``): ``email``, and ``phone`` by this heuristic, so that
timestamps, ids and other long numbers stay: a bare run of digits is never a phone number.
A phone number is ``+`` and a country code followed by 8 to 15 digits in all (``+44 20 7946
0958``, ``+14155552671``); or an area code in parentheses (``(415) 555-2671``); or 10 to 12
digits in at least three groups joined by one separator used throughout (``415-555-2671``,
``01 23 45 67 89``), unless the groups look like thousands (``12 345 678 901``), a date
(``2024-01-15-10-30``), an IPv4 address or a hex dump (pairs must start ``0[1-9]``, as
national numbers written in pairs do). Addresses followed by ``:path``
(``git@github.com:org/repo``) and image names (``icon@2x.png``) are not emails.

Precision: every token must stand alone (``mask-ant-…`` or a run inside base64 data is not a
key), random-looking key bodies are required where a prefix alone is common
(``sk-learn-…`` stays), and hashes, UUIDs and base64 data are not touched. Redaction is
deterministic, so a redacted history is the same from one turn to the next and the
provider's prompt cache keeps working. Thinking blocks are not redacted (their signature
would no longer verify). A tool call whose arguments are not a JSON object and hold a
secret cannot be rewritten, and is blocked.

Response text streams on while it is read: what is held back is only what could be the
beginning of a secret not complete yet (the last word, a private key until its END line,
a label waiting for its value, a run of phone digits); at most ``lookback`` characters:
4,096 with ``secrets`` (an RSA-4096 private key), 256 for personal data and for a custom
pattern without an upper bound on its length (a match of one longer than that may be cut).
Custom patterns run in RE2, in time linear in the text whatever the pattern.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cached_property
from string import Formatter
from typing import Any, cast

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sluice.hooks import RequestHook, TextDeltaHook, ToolCallHook
from sluice.policies._detectors import (
    PII,
    PII_LOOKBACK,
    REPLACEMENT,
    SECRETS,
    SECRETS_LOOKBACK,
    Detector,
    find_findings,
    find_spans,
    open_from,
    redact,
    replace_spans,
)
from sluice.policies._user_regex import UNBOUNDED, compile_user, longest_match
from sluice.policy import Directions, Policy, PolicyConfig

__all__ = ["PII", "SECRETS", "CustomPattern", "Detector", "Redact", "RedactConfig", "redact"]


class CustomPattern(BaseModel):
    """A pattern of your own: what it matches is redacted as kind ``name``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(
        pattern=r"^[A-Za-z][A-Za-z0-9_]*$", description="The kind shown in the replacement."
    )
    pattern: str = Field(
        description="Regular expression (RE2 syntax: no look-around or back-references; "
        "case-sensitive unless it says `(?i)`); if it has a group named `secret`, only that "
        "group is replaced."
    )

    @model_validator(mode="after")
    def _compiles(self) -> CustomPattern:
        try:
            compiled = compile_user(self.pattern)
        except ValueError as exc:
            raise ValueError(f"pattern {self.name!r}: {exc}") from None
        if compiled.fullmatch("") is not None:
            raise ValueError(f"pattern {self.name!r} matches the empty string")
        return self

    def detector(self) -> Detector:
        """The pattern as a :class:`Detector` (RE2 numbers groups; it does not name them)."""
        compiled = compile_user(self.pattern)
        group = compiled.groupindex.get("secret", 0)
        # RE2's pattern and match objects offer what find_spans uses of re's.
        return Detector(self.name, cast("re.Pattern[str]", compiled), group)


class RedactConfig(PolicyConfig):
    directions: Directions = Field(
        frozenset({"request", "response"}),
        min_length=1,
        description="Redact what is sent (`request`), what comes back (`response`: text and "
        "tool call arguments), or both.",
    )
    secrets: bool = Field(True, description="Redact API keys, tokens, private keys, passwords.")
    pii: bool = Field(False, description="Redact email addresses and phone numbers.")
    custom: tuple[CustomPattern, ...] = Field((), description="Patterns of your own to redact.")
    replacement: str = Field(
        REPLACEMENT, description="What replaces a finding; `{kind}` names what was found."
    )
    lookback: int = Field(
        256,
        ge=1,
        description="Streamed text held for a custom pattern with no upper bound on its "
        "length: the longest match it is expected to find.",
    )

    @field_validator("replacement")
    @classmethod
    def _template(cls, value: str) -> str:
        try:
            fields = {name for _, name, _, _ in Formatter().parse(value) if name is not None}
        except ValueError as exc:
            raise ValueError(f"bad template {value!r}: {exc}") from None
        if fields - {"kind"}:
            raise ValueError(f"only {{kind}} may be filled in, not {sorted(fields - {'kind'})}")
        return value

    @model_validator(mode="after")
    def _finds_something(self) -> RedactConfig:
        if not (self.secrets or self.pii or self.custom):
            raise ValueError("nothing to redact: enable `secrets` or `pii`, or add `custom`")
        return self


class Redact(Policy[RedactConfig]):
    """Redacts secrets, and optionally emails and phone numbers, from requests and responses."""

    Config = RedactConfig
    sanitizes_records = True  # the event log stores what redact left, never the original

    def __init__(self, config: RedactConfig, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        # Custom patterns: held for their longest match (their lookback when unbounded).
        widths = [longest_match(pattern.pattern) for pattern in config.custom]
        self._custom_hold = max(
            (config.lookback if w is UNBOUNDED else min(w, config.lookback) for w in widths),
            default=0,
        )
        self.lookback = max(
            SECRETS_LOOKBACK if config.secrets else 0,
            PII_LOOKBACK if config.pii else 0,
            self._custom_hold,
        )

    @cached_property
    def detectors(self) -> tuple[Detector, ...]:
        """What this policy looks for, in order."""
        config = self.config
        return (
            (SECRETS if config.secrets else ())
            + (PII if config.pii else ())
            + tuple(pattern.detector() for pattern in config.custom)
        )

    def hooks(self) -> frozenset[str]:
        """The hooks of the directions configured: a request-only ``Redact`` still defines
        ``text`` and ``tool_call`` but must not make the gateway hold the response back."""
        hooks = set(super().hooks())
        if "request" not in self.config.directions:
            hooks.discard("request")
        if "response" not in self.config.directions:
            hooks -= {"text_delta", "tool_call"}
        return frozenset(hooks)

    async def request(self, hook: RequestHook) -> None:
        hook.edits.map_text(self._redact)

    async def text_delta(self, hook: TextDeltaHook) -> None:
        if not hook.final:
            hook.hold(self._open_from(hook.text))
        findings = find_findings(hook.text, self.detectors)
        for start, _, _, began in reversed(findings):
            if start >= hook.settled:  # a label released without its secret is not found again
                hook.hold(began)
        for start, end, kind, _ in reversed(findings):
            if start < hook.settled:
                hook.replace(start, end, self.config.replacement.format(kind=kind))

    def _open_from(self, text: str) -> int:
        """Where a secret may begin in ``text`` that more text could still complete."""
        config = self.config
        held = open_from(text, secrets=config.secrets, pii=config.pii)
        return min(held, len(text) - self._custom_hold)

    async def tool_call(self, hook: ToolCallHook) -> None:
        kinds: set[str] = set()
        arguments = _map_strings(hook.arguments(), lambda s, key: self._redact(s, key, kinds))
        if not kinds:
            return
        if isinstance(arguments, dict):
            hook.rewrite(arguments)
        else:
            found = ", ".join(sorted(kinds))
            hook.block(f"The call's arguments hold a secret ({found}) and cannot be rewritten")

    def _redact(self, text: str, key: str = "", kinds: set[str] | None = None) -> str:
        # A JSON key is a label too: in {"aws_secret_access_key": "..."} the value alone
        # is forty anonymous characters. Search "key: value", redact only within the value.
        label = f"{key}: " if key else ""
        spans = [
            (max(start - len(label), 0), end - len(label), kind)
            for start, end, kind in find_spans(label + text, self.detectors)
            if end > len(label)
        ]
        if kinds is not None:
            kinds.update(kind for _, _, kind in spans)
        return replace_spans(text, spans, self.config.replacement) if spans else text


def _map_strings(value: Any, edit: Callable[[str, str], str], key: str = "") -> Any:
    """``value`` (JSON) with ``edit(string, its key)`` applied to every string in it."""
    if isinstance(value, str):
        return edit(value, key)
    if isinstance(value, list):
        return [_map_strings(item, edit, key) for item in value]
    if isinstance(value, dict):
        return {k: _map_strings(item, edit, str(k)) for k, item in value.items()}
    return value
