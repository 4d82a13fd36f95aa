"""What ``redact`` looks for: one :class:`Detector` per kind of secret or personal data.

Every pattern starts with its literal prefix (``re`` searches those many times faster) and
checks the character before it afterwards, so a scan stays linear in the text's length even
on hostile input. ``redact()`` is a pure function: text in, redacted text and the kinds
found out. :func:`open_from` says where, in streamed text, a secret may have begun that more
text could still complete: what must be held back.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "PII",
    "PII_LOOKBACK",
    "REPLACEMENT",
    "SECRETS",
    "SECRETS_LOOKBACK",
    "Detector",
    "find_findings",
    "find_spans",
    "open_from",
    "redact",
    "replace_spans",
]

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
    # Package registries' and GitLab's: what an agent that publishes or clones holds.
    _detector("npm_token", _token("npm_", "[A-Za-z0-9]{36}", _ALONE), check=_random),
    _detector("pypi_token", _token("pypi-AgE", r"[A-Za-z0-9_-]{60,}")),
    _detector("gitlab_token", _token("glpat-", r"[A-Za-z0-9_-]{20,}")),
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

SECRETS_LOOKBACK = 4096  # the longest secret found whole: an RSA-4096 private key in PEM
PII_LOOKBACK = 256  # an email address has at most 254 characters, a phone number far fewer

_LONG_RUN = 512  # a run without spaces this long (minified code, data) is cut at a break
_TOKEN_BREAK = re.compile(r"[^A-Za-z0-9_\-.+/=:@%~]")  # no secret detected holds one
_LABEL_TAIL = re.compile(  # an aws_secret_key label, its value still to come or coming
    r"[Ss](?i:ecret[_-]?(?:access[_-]?)?key)[\"']?\s*(?:(?::|=>?)\s*[\"']?[A-Za-z0-9/+]*)?\Z"
)
_PEM_END = re.compile(rf"-----END{_PEM_MARKER}")
_PHONE_TAIL = re.compile(r"[+(\d][\d ().-]*\Z")


def open_from(text: str, *, secrets: bool = True, pii: bool = False) -> int:
    """Where in ``text``, the end of text streamed so far, a secret (or, with ``pii``,
    personal data) may have begun that more text could complete; ``len(text)`` for none.

    Every token the detectors find (keys, JWTs, URLs with a password, emails) holds no
    whitespace, so only the last word can still grow; a few findings span words: a private
    key until its END line, a secret key's label before its value, a phone number.
    """
    end = len(text)
    held = max(text.rfind(c) for c in " \t\r\n") + 1  # the last word
    if end - held > _LONG_RUN:
        breaks = list(_TOKEN_BREAK.finditer(text, held))
        held = breaks[-1].end() if breaks else held
    if secrets:
        if (label := _LABEL_TAIL.search(text, max(0, end - 128))) is not None:
            held = min(held, label.start())
        begin = text.rfind("-----BEGIN")
        if begin >= 0 and _key_open(text, begin):
            held = min(held, begin)
    if pii and (phone := _PHONE_TAIL.search(text, max(0, end - 40))) is not None:
        held = min(held, max(0, phone.start() - 2))  # with what precedes it, for its checks
    return held


def _key_open(text: str, begin: int) -> bool:
    """The ``-----BEGIN`` at ``begin`` may open a private key whose END has not come yet."""
    marker_end = text.find("-----", begin + len("-----BEGIN"))
    if marker_end < 0:
        return True  # the marker itself is not complete
    if "PRIVATE KEY" not in text[begin:marker_end]:
        return False  # a certificate, a public key: nothing redact removes
    return _PEM_END.search(text, marker_end) is None


_Span = tuple[int, int, str]  # start, end, kind


def find_spans(text: str, detectors: Iterable[Detector]) -> list[_Span]:
    """Where ``detectors`` find something in ``text``, in order. Overlapping findings merge
    into one span, named after the one that starts first, so no part of either survives."""
    return [(start, end, kind) for start, end, kind, _ in find_findings(text, detectors)]


def find_findings(text: str, detectors: Iterable[Detector]) -> list[tuple[int, int, str, int]]:
    """:func:`find_spans`, each span with where its match began (before the span, for a
    detector that replaces one group: the label ``aws_secret_access_key =`` of a key)."""
    found: list[tuple[int, int, str, int]] = []
    for detector in detectors:
        pos = 0
        while match := detector.pattern.search(text, pos):
            if detector.check is None or detector.check(match):
                start, end = match.span(detector.group)
                if start < end:
                    found.append((start, end, detector.kind, match.start()))
                pos = max(match.end(), match.start() + 1)
            else:  # a rejected look-alike may still hide a real match inside it
                pos = match.start() + 1
    found.sort(key=lambda span: (span[0], -span[1]))  # stable: detector order breaks ties
    merged: list[tuple[int, int, str, int]] = []
    for start, end, kind, began in found:
        if merged and start < merged[-1][1]:
            first_start, first_end, first_kind, first_began = merged[-1]
            merged[-1] = (first_start, max(first_end, end), first_kind, min(first_began, began))
        else:
            merged.append((start, end, kind, began))
    return merged


def replace_spans(text: str, spans: Sequence[_Span], replacement: str) -> str:
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
    spans = find_spans(text, detectors)
    return replace_spans(text, spans, replacement), frozenset(kind for _, _, kind in spans)
