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
          custom:
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
  ``stripe_key`` ``sk_live_``, ``rk_live_`` and their ``_test_`` forms;
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
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from string import Formatter
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sluice.hooks import RequestHook, TextHook, ToolCallHook
from sluice.policy import Directions, Policy, PolicyConfig

__all__ = ["PII", "SECRETS", "CustomPattern", "Detector", "Redact", "RedactConfig", "redact"]

Check = Callable[[re.Match[str]], bool]


@dataclass(frozen=True, slots=True)
class Detector:
    """One kind of sensitive string. ``pattern`` finds candidates; ``check``, if set, rejects
    look-alikes a regular expression cannot tell apart; only ``group`` of a match is
    replaced, so a label matched around a secret stays."""

    kind: str
    pattern: re.Pattern[str]
    group: int | str = 0
    check: Check | None = None


def _token(prefix: str, body: str, end: str = "") -> str:
    """A token: ``prefix`` (a fixed-width regex), then ``body``, not the tail of a longer
    word, identifier or base64 run. The boundary is checked after the prefix rather than
    before it: ``re`` searches a pattern that starts with a literal many times faster."""
    return f"(?:{prefix})(?<![A-Za-z0-9_-](?:{prefix})){body}{end}"


_ALONE = r"(?![A-Za-z0-9_-])"  # the end of a fixed-length token


def _random(match: re.Match[str]) -> bool:
    """The body looks random (upper, lower and digits), not like a hyphenated name."""
    body = match.group()
    return (
        any(c.isupper() for c in body)
        and any(c.islower() for c in body)
        and any(c.isdigit() for c in body)
    )


def _jwt(match: re.Match[str]) -> bool:
    head = match.group().partition(".")[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except ValueError:  # not base64, not UTF-8, not JSON
        return False
    return isinstance(header, dict) and "alg" in header


def _key_material(match: re.Match[str]) -> bool:
    """Between the markers there is base64, not prose or code quoting the markers."""
    return re.search(r"[A-Za-z0-9+/]{40}", match.group()) is not None


# Template references, masks and the words documentation uses for "a password here".
_PLACEHOLDER = re.compile(
    r"\$\w+|\$\{[^}]*\}|\{\{[^}]*\}\}|\{\w*\}|%\(\w+\)s|\*+|x+|\.\.\.|(?i:pass(word|wd)?|pwd)"
)


def _not_placeholder(match: re.Match[str]) -> bool:
    return _PLACEHOLDER.fullmatch(match.group("secret")) is None


def _email(match: re.Match[str]) -> bool:
    text, start, end = match.string, match.start(), match.end()
    token_start = max(text.rfind(c, 0, start) for c in " \t\r\n\"'<>(") + 1
    return not (
        "://" in text[token_start:start]  # the user and password of a URL
        or re.match(r":[^\s]", text[end : end + 2])  # an SSH remote, git@host:org/repo
        or re.search(r"@\d+(\.\d+)?x\.", match.group())  # a hi-dpi image, icon@2x.png
    )


def _phone(match: re.Match[str]) -> bool:
    number = match.group()
    digits = sum(c.isdigit() for c in number)
    if number.startswith("+"):
        return 8 <= digits <= 15
    if number.startswith("("):
        return 9 <= digits <= 12
    groups = re.findall(r"\d+", number)
    return (
        10 <= digits <= 12
        and not all(len(g) == 3 for g in groups[1:])  # thousands: 12 345 678 901
        # Pairs only (01 23 45 67 89) are a phone number only with a trunk prefix 0[1-9]:
        # a hex dump is pairs too.
        and not (all(len(g) == 2 for g in groups) and not re.fullmatch("0[1-9]", groups[0]))
        and not (re.fullmatch(r"(19|20)\d\d", groups[0]) and int(groups[1]) <= 12)  # a date
        and not (len(groups) == 4 and "." in number and all(int(g) <= 255 for g in groups))
    )


def _detector(
    kind: str, pattern: str, group: int | str = 0, check: Check | None = None
) -> Detector:
    return Detector(kind, re.compile(pattern), group, check)


_PEM_MARKER = r"[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----"
_NEWLINE = r"(?:\r?\n|\\r?\\n)"  # a real line end, or one escaped inside a string literal
_PRIVATE_KEY = (
    rf"-----BEGIN{_PEM_MARKER}(?:"
    # The whole block: base64 lines, PEM headers (Proc-Type: 4,ENCRYPTED), line ends. The
    # body stops at the next five dashes, so that a search from each of many BEGIN lines
    # without an END stays short (linear, not quadratic, in the text).
    rf"(?:[A-Za-z0-9+/=\s\\:,.]++|-(?!----))*?-----END{_PEM_MARKER}"
    # Or cut short (max_tokens, a partial paste): the base64 lines that did arrive.
    rf"|(?:{_NEWLINE}[A-Za-z0-9+/=]+(?={_NEWLINE}|[\"'`]|\Z))+)"
)

SECRETS: tuple[Detector, ...] = (
    _detector("anthropic_key", _token("sk-ant-", r"[A-Za-z0-9_-]{32,}"), check=_random),
    _detector("openai_key", _token("sk-", r"(?!ant-)[A-Za-z0-9_-]{32,}"), check=_random),
    _detector("aws_access_key_id", _token("AKIA|ASIA", "[A-Z0-9]{16}", _ALONE)),
    _detector(
        # SECRET_ACCESS_KEY, secret_access_key, SecretAccessKey, aws-secret-key...
        "aws_secret_key",
        r"[Ss](?i:ecret[_-]?(?:access[_-]?)?key)[\"']?\s*(?::|=>?)\s*[\"']?"
        r"(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
        group="secret",
    ),
    _detector(
        "github_token",
        _token("gh[oprsu]_", "[A-Za-z0-9]{36,}") + "|" + _token("github_pat_", r"\w{50,}"),
    ),
    _detector(
        "slack_token",
        "|".join(
            _token(prefix, r"\d+-[A-Za-z0-9-]{8,}")
            for prefix in (r"xox[abeoprs]-", r"xoxe\.xox[abeoprs]-", "xapp-")
        ),
    ),
    _detector("google_api_key", _token("AIza", "[A-Za-z0-9_-]{35}", _ALONE)),
    _detector("stripe_key", _token("[rs]k_live_|[rs]k_test_", "[A-Za-z0-9]{24,}")),
    _detector("private_key", _PRIVATE_KEY, check=_key_material),
    _detector(
        # A JSON header, {"alg":...} or {"typ":...}, always starts eyJ in base64url.
        "jwt",
        _token("eyJ", r"[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"),
        check=_jwt,
    ),
    _detector(
        # scheme://user:password@host; only the password goes.
        "password",
        r"://(?<=[A-Za-z0-9]://)[^\s:/?#@\"'`<>]*"
        # Greedy up to the last @ of the authority: a password may hold an unescaped @.
        r":(?P<secret>[^\s/?#\"'`<>]+)@[^\s/?#@\"'`<>]+",
        group="secret",
        check=_not_placeholder,
    ),
)

PII: tuple[Detector, ...] = (
    _detector(
        "email",
        r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
        r"\.[A-Za-z]{2,}(?![\w-])",
        check=_email,
    ),
    _detector(
        "phone",
        # Starts with a character class and checks what precedes it afterwards, for speed
        # (see _token). In each branch groups need a separator between them, so a run of
        # digits splits one way only.
        r"[+(\d](?<![\w+./-].)(?<!\d[ .-].)(?:"
        r"(?<=\+)\d+(?:[ .-]?\(\d+\)[ .-]?\d+)?(?:[ .-]\d+)*"  # +CC ...
        r"|(?<=\()\d{2,5}\) ?\d{3,4}[ .-]?\d{3,4}"  # (area) local
        r"|(?<=\d)\d{1,4}(?P<sep>[ .-])\d{2,4}(?:(?P=sep)\d{2,4}){1,3}"  # national
        r")(?![\w+])(?![ .-]?\d)",
        check=_phone,
    ),
)

REPLACEMENT = "[REDACTED:{kind}]"

_Span = tuple[int, int, str]  # start, end, kind


def _find(text: str, detectors: Iterable[Detector]) -> list[_Span]:
    """Where ``detectors`` find something in ``text``, in order. Overlapping findings merge
    into one span, named after the one that starts first, so no part of either survives."""
    found: list[_Span] = []
    for detector in detectors:
        pos = 0
        while match := detector.pattern.search(text, pos):
            if detector.check is None or detector.check(match):
                start, end = match.span(detector.group)
                if start < end:
                    found.append((start, end, detector.kind))
                pos = max(match.end(), match.start() + 1)
            else:  # a rejected look-alike may still hide a real match inside it
                pos = match.start() + 1
    found.sort(key=lambda span: (span[0], -span[1]))  # stable: detector order breaks ties
    merged: list[_Span] = []
    for start, end, kind in found:
        if merged and start < merged[-1][1]:
            first_start, first_end, first_kind = merged[-1]
            merged[-1] = (first_start, max(first_end, end), first_kind)
        else:
            merged.append((start, end, kind))
    return merged


def _replace(text: str, spans: Sequence[_Span], replacement: str) -> str:
    parts, last = [], 0
    for start, end, kind in spans:
        parts += [text[last:start], replacement.format(kind=kind)]
        last = end
    parts.append(text[last:])
    return "".join(parts)


def redact(
    text: str, detectors: Iterable[Detector] = SECRETS, replacement: str = REPLACEMENT
) -> tuple[str, frozenset[str]]:
    """``text`` with what ``detectors`` find replaced, and the kinds found::

    >>> redact("key: AKIAIOSFODNN7EXAMPLE")
    ('key: [REDACTED:aws_access_key_id]', frozenset({'aws_access_key_id'}))
    """
    spans = _find(text, detectors)
    return _replace(text, spans, replacement), frozenset(kind for _, _, kind in spans)


class CustomPattern(BaseModel):
    """A pattern of your own: what it matches is redacted as kind ``name``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(
        pattern=r"^[A-Za-z][A-Za-z0-9_]*$", description="The kind shown in the replacement."
    )
    pattern: str = Field(
        description="Regular expression (Python `re` syntax, case-sensitive unless it says "
        "`(?i)`); if it has a group named `secret`, only that group is replaced."
    )

    @model_validator(mode="after")
    def _compiles(self) -> CustomPattern:
        try:
            compiled = re.compile(self.pattern)
        except re.error as exc:
            raise ValueError(f"pattern {self.name!r}: bad regular expression: {exc}") from None
        if compiled.fullmatch(""):
            raise ValueError(f"pattern {self.name!r} matches the empty string")
        return self

    def detector(self) -> Detector:
        """The pattern as a :class:`Detector`."""
        compiled = re.compile(self.pattern)
        return Detector(self.name, compiled, "secret" if "secret" in compiled.groupindex else 0)


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
            hooks -= {"text", "tool_call"}
        return frozenset(hooks)

    async def request(self, hook: RequestHook) -> None:
        hook.edits.map_text(self._redact)

    async def text(self, hook: TextHook) -> None:
        hook.text = self._redact(hook.text)

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
            for start, end, kind in _find(label + text, self.detectors)
            if end > len(label)
        ]
        if kinds is not None:
            kinds.update(kind for _, _, kind in spans)
        return _replace(text, spans, self.config.replacement) if spans else text


def _map_strings(value: Any, edit: Callable[[str, str], str], key: str = "") -> Any:
    """``value`` (JSON) with ``edit(string, its key)`` applied to every string in it."""
    if isinstance(value, str):
        return edit(value, key)
    if isinstance(value, list):
        return [_map_strings(item, edit, key) for item in value]
    if isinstance(value, dict):
        return {k: _map_strings(item, edit, str(k)) for k, item in value.items()}
    return value
