"""``replace``: find and replace in the text sent to the model and the text it sends back.

Each rule replaces a string (or, with ``regex: true``, a regular expression) in request
text (the system prompt and every message, tool results included) and/or in response text
blocks. Rules apply in order, each to the result of the one before, like ``sed -e … -e …``.
Matching ignores case unless ``match_case`` is set; with ``preserve_case`` the replacement
takes the capitalisation of what it replaces: ``ACME`` becomes ``GLOBEX``, ``acme``
``globex``, and ``Acme`` (a capital first letter) ``Globex``, the rest of the replacement
as written; so write ``replace`` in its natural case.

.. code-block:: yaml

    policies:
      - name: replace
        config:
          rules:
            # The provider never sees the code name.
            - {find: Project Falcon, replace: the product, directions: [request]}
            - {find: acme, replace: globex, preserve_case: true}
            # Groups: \\1, \\g<name>. A plain `find` is literal, `replace` too.
            - {find: 'JIRA-(\\d+)', regex: true, replace: 'ticket \\1', match_case: true}

A plain ``find`` also matches inside longer words (``cat`` in ``concatenate``); use
``regex: true`` and ``\\b`` for whole words. Tool call arguments and thinking are left
alone: use ``redact`` or ``tool_rules`` for those.

Patterns run in RE2, in time linear in the text whatever the pattern (no look-around, no
back-references in ``find``). Response text streams on while it is read: only what could be
the beginning of a match is held back (for a plain ``find``, a tail that is the start of
it); a regex is held for as many characters as its longest match, or ``lookback`` for one
with no upper bound (``\\d+``): a match of such a pattern longer than that may be cut.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sluice.hooks import RequestHook, TextDeltaHook
from sluice.policies._user_regex import UserMatch, UserPattern, compile_user, longest_match
from sluice.policy import Directions, Policy, PolicyConfig

__all__ = ["Replace", "ReplaceConfig", "ReplaceRule", "recase"]


class ReplaceRule(BaseModel):
    """One find-and-replace."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    find: str = Field(min_length=1, description="What to find: a string, or a regex.")
    regex: bool = Field(False, description="`find` is a regular expression (RE2: no look-around).")
    replace: str = Field(
        description="What replaces each match; with `regex`, `\\1` and `\\g<name>` insert groups."
    )
    match_case: bool = Field(False, description="Match case exactly (default: ignore case).")
    preserve_case: bool = Field(
        False,
        description="Give the replacement the capitalisation of the match: UPPER, lower, "
        "or a Capital first letter.",
    )
    directions: Directions = Field(
        frozenset({"request", "response"}),
        min_length=1,
        description="Replace in what is sent (`request`), in response text (`response`), or both.",
    )

    @model_validator(mode="after")
    def _valid(self) -> ReplaceRule:
        try:
            pattern = self.pattern()
            if self.regex:
                _check_template(self.replace, pattern)
        except ValueError as exc:
            raise ValueError(f"rule {self.find!r}: {exc}") from None
        if pattern.fullmatch("") is not None:
            # x* or .* also matches between characters: the replacement would be everywhere.
            raise ValueError(f"rule {self.find!r}: the pattern matches the empty string")
        return self

    def pattern(self) -> UserPattern:
        """``find``, compiled (RE2) with the rule's case sensitivity."""
        find = self.find if self.regex else re.escape(self.find)
        return compile_user(find, ignore_case=not self.match_case)

    def longest(self) -> int | None:
        """The most characters a match spans; ``None`` when the pattern has no bound."""
        return longest_match(self.find) if self.regex else len(self.find)

    def replacement(self, match: UserMatch) -> str:
        """What replaces ``match``."""
        new = match.expand(self.replace) if self.regex else self.replace
        return recase(new, match.group()) if self.preserve_case else new

    def substitution(self) -> Callable[[str], str]:
        """The rule as a function of the text."""
        pattern = self.pattern()
        return lambda text: pattern.sub(self.replacement, text)

    def open_from(self, text: str, longest: int) -> int:
        """Where a match may begin in ``text`` that more text could still complete or make
        longer (``len(text)`` when none can)."""
        if self.regex:
            return len(text) - longest
        find = self.find if self.match_case else self.find.lower()
        for size in range(min(len(find) - 1, len(text)), 0, -1):
            tail = text[-size:] if self.match_case else text[-size:].lower()
            if find.startswith(tail):
                return len(text) - size
        return len(text)


class ReplaceConfig(PolicyConfig):
    rules: tuple[ReplaceRule, ...] = Field(
        min_length=1, description="The replacements, applied in order."
    )
    lookback: int = Field(
        256,
        ge=1,
        description="Streamed text held for a `regex` rule with no upper bound on its "
        "length (`\\d+`): the longest match it is expected to find.",
    )


class Replace(Policy[ReplaceConfig]):
    """Replaces strings or regular expressions in request and response text."""

    Config = ReplaceConfig

    def __init__(self, config: ReplaceConfig, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self._streamed = [
            (rule, rule.pattern(), min(rule.longest() or config.lookback, config.lookback))
            for rule in config.rules
            if "response" in rule.directions
        ]
        self.lookback = max((longest for _, _, longest in self._streamed), default=0)

    @cached_property
    def _request(self) -> Callable[[str], str] | None:
        return _chain(rule for rule in self.config.rules if "request" in rule.directions)

    def hooks(self) -> frozenset[str]:
        """The hooks some rule needs: with no response rule, ``text_delta`` is dropped, so
        that the gateway does not read response text for nothing."""
        hooks = set(super().hooks())
        if self._request is None:
            hooks.discard("request")
        if not self._streamed:
            hooks.discard("text_delta")
        return frozenset(hooks)

    async def request(self, hook: RequestHook) -> None:
        if self._request is not None:
            hook.edits.map_text(self._request)

    async def text_delta(self, hook: TextDeltaHook) -> None:
        if not hook.final:
            for rule, _, longest in self._streamed:
                hook.hold(rule.open_from(hook.text, longest))
        for rule, pattern, _ in self._streamed:
            matches = [m for m in pattern.finditer(hook.text) if m.start() < hook.settled]
            for match in reversed(matches):
                hook.replace(match.start(), match.end(), rule.replacement(match))


_GROUP_REFERENCE = re.compile(r"\\(?:(\d+)|g<([^>]*)>)")


def _check_template(template: str, pattern: UserPattern) -> None:
    """Every group ``template`` names (``\\1``, ``\\g<name>``) exists in ``pattern``."""
    for number, name in _GROUP_REFERENCE.findall(template):
        known = (
            int(number) <= pattern.groups
            if number
            else name in pattern.groupindex or (name.isdigit() and int(name) <= pattern.groups)
        )
        if not known:
            raise ValueError(
                f"the replacement refers to group {number or name!r}, which "
                "the pattern does not have"
            )


def _chain(rules: Iterable[ReplaceRule]) -> Callable[[str], str] | None:
    """The rules applied one after the other, or None when there are none."""
    steps = [rule.substitution() for rule in rules]
    if not steps:
        return None

    def apply(text: str) -> str:
        for step in steps:
            text = step(text)
        return text

    return apply


def recase(replacement: str, matched: str) -> str:
    """``replacement`` in the capitalisation of ``matched``: UPPER, lower, or a capital
    first letter (the rest of ``replacement`` stays as written)::

    >>> recase("globex", "ACME"), recase("Globex", "acme"), recase("globex inc", "Acme Corp")
    ('GLOBEX', 'globex', 'Globex inc')

    ``matched`` with no cased letter or starting in lower case but not all lower
    (``iPhone``) leaves ``replacement`` as written.
    """
    if matched.isupper():
        return replacement.upper()
    if matched.islower():
        return replacement.lower()
    if _first_cased(matched).isupper():
        i = replacement.find(_first_cased(replacement))
        return replacement[:i] + replacement[i : i + 1].upper() + replacement[i + 1 :]
    return replacement


def _first_cased(text: str) -> str:
    return next((c for c in text if c.isupper() or c.islower()), "")
