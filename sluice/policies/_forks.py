"""Fork bombs in a shell line: a function that starts itself twice, at least once in the
background or through a pipe (``:(){ :|:& };:``, ``b() { b & b; }; b``, ``function f { f|f&
}; f``, fish's ``function f; f | f &; end; f``), then called; a batch file's ``%0|%0``; an
endless loop that starts a background process each turn.
"""

from __future__ import annotations

import re
from itertools import chain

__all__ = ["forks_forever"]

# A function definition (`name() {…}`, `function name {…}`, a body in a subshell `(…)`).
_DEFINITION = re.compile(
    r"(?:\bfunction\s+(?P<keyword>[^\s(){}|&;<>'\"]+)\s*(?:\(\s*\))?"
    r"|(?<![^\s;&|(){}'\"`])(?P<name>[^\s(){}|&;<>'\"$=]+)\s*\(\s*\))"
    r"\s*(?:\{(?P<body>[^{}]{0,200})\}|\((?P<subshell>[^()]{0,200})\))"
)
_FORKS = re.compile(r"(?<![|&])[|&](?![|&])")  # a pipe or a background `&`, not `||`, `&&`
_ENDLESS = re.compile(
    r"\b(?:while|until)\s+(?:true|:|\[\s*1\s*\]|false)\s*;\s*do\s+[^;&\n]{1,200}&\s*(?:;\s*)?done"
    r"|%0\s*\^?\|\s*%0"  # a batch file piping itself into itself: %0|%0
)
# fish's `function f; f | f &; end; f`.
_FISH = re.compile(r"\bfunction\s+(?P<name>[^\s;|&]+)\s*;(?P<body>[^\n]{0,200}?)\bend\b")
_BOUNDARY = r"(?:^|(?<=[\s|&;(){}'\"`]))"
_END = r"(?=$|[\s|&;(){}'\"`])"


def forks_forever(line: str) -> bool:
    """Whether ``line`` holds a fork bomb under any name, or an endless spawning loop."""
    if _ENDLESS.search(line):
        return True
    for found in chain(_DEFINITION.finditer(line), _FISH.finditer(line)):
        groups = found.groupdict()
        name = groups.get("keyword") or groups["name"]
        body = groups["body"] or groups.get("subshell") or ""
        call = re.compile(_BOUNDARY + re.escape(name) + _END)
        calls_itself_twice = len(call.findall(body)) >= 2
        if calls_itself_twice and _FORKS.search(body) and call.search(line, found.end()):
            return True
    return False
