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
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sluice.hooks import RequestHook, TextHook
from sluice.policy import Directions, Policy, PolicyConfig

__all__ = ["Replace", "ReplaceConfig", "ReplaceRule", "recase"]


class ReplaceRule(BaseModel):
    """One find-and-replace."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    find: str = Field(min_length=1, description="What to find: a string, or a regex.")
    regex: bool = Field(False, description="`find` is a regular expression (Python `re`).")
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
                pattern.sub(self.replace, "")  # parses the template: \2 needs two groups
        except re.error as exc:
            raise ValueError(f"rule {self.find!r}: {exc}") from None
        if pattern.fullmatch(""):
            # x* or .* also matches between characters: the replacement would be everywhere.
            raise ValueError(f"rule {self.find!r}: the pattern matches the empty string")
        return self

    def pattern(self) -> re.Pattern[str]:
        """``find``, compiled with the rule's case sensitivity."""
        find = self.find if self.regex else re.escape(self.find)
        return re.compile(find, 0 if self.match_case else re.IGNORECASE)

    def substitution(self) -> Callable[[str], str]:
        """The rule as a function of the text."""
        pattern = self.pattern()

        def replacement(match: re.Match[str]) -> str:
            new = match.expand(self.replace) if self.regex else self.replace
            return recase(new, match.group()) if self.preserve_case else new

        return lambda text: pattern.sub(replacement, text)


class ReplaceConfig(PolicyConfig):
    rules: tuple[ReplaceRule, ...] = Field(
        min_length=1, description="The replacements, applied in order."
    )


class Replace(Policy[ReplaceConfig]):
    """Replaces strings or regular expressions in request and response text."""

    Config = ReplaceConfig

    @cached_property
    def _request(self) -> Callable[[str], str] | None:
        return _chain(rule for rule in self.config.rules if "request" in rule.directions)

    @cached_property
    def _response(self) -> Callable[[str], str] | None:
        return _chain(rule for rule in self.config.rules if "response" in rule.directions)

    def hooks(self) -> frozenset[str]:
        """The hooks some rule needs: with no response rule, ``text`` is dropped, so that the
        gateway does not hold response text back for nothing."""
        hooks = set(super().hooks())
        if self._request is None:
            hooks.discard("request")
        if self._response is None:
            hooks.discard("text")
        return frozenset(hooks)

    async def request(self, hook: RequestHook) -> None:
        if self._request is not None:
            hook.edits.map_text(self._request)

    async def text(self, hook: TextHook) -> None:
        if self._response is not None:
            hook.text = self._response(hook.text)


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
