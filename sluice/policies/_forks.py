"""Fork bombs in a shell line: a function that starts itself twice, at least once in the
background or through a pipe (``:(){ :|:& };:``, ``b() { b & b; }; b``, ``function f { f|f&
}; f``, fish's ``function f; f | f &; end; f``), then called; a batch file's ``%0|%0``; an
endless loop that starts a background process each turn. What ``echo`` or ``printf`` is
given to print, quoted, is text, not one (``echo ':(){ :|:& };:' >> notes.md``).
"""

from __future__ import annotations

import re

from sluice.policies._functions import definitions

__all__ = ["forks_forever"]

_FORKS = re.compile(r"(?<![|&])[|&](?![|&])")  # a pipe or a background `&`, not `||`, `&&`
_ENDLESS = re.compile(
    r"\b(?:while|until)\s+(?:true|:|\[\s*1\s*\]|false)\s*;\s*do\s+[^;&\n]{1,200}&\s*(?:;\s*)?done"
    r"|%0\s*\^?\|\s*%0"  # a batch file piping itself into itself: %0|%0
)
# fish's `function f; f | f &; end; f`.
_FISH = re.compile(r"\bfunction\s+(?P<name>[^\s;|&]+)\s*;(?P<body>[^\n]{0,200}?)\bend\b")
_BOUNDARY = r"(?:^|(?<=[\s|&;(){}'\"`]))"
_END = r"(?=$|[\s|&;(){}'\"`])"
# What echo or printf is given to print, quoted, where a command starts: text (`echo
# ':(){ :|:& };:' >> notes.md`), not code. Printed into a shell or a script that is run,
# it is read there as the line it is.
_PRINTED = re.compile(
    r"(?:^|(?<=[;&\n{]))\s*(?:echo|printf)(?:\s+-[a-zA-Z]+)*"
    r"(?:\s+(?:'[^']*'|\"(?:[^\"\\]|\\.)*\"))+"
)


def forks_forever(line: str) -> bool:
    """Whether ``line`` holds a fork bomb under any name, or an endless spawning loop."""
    if "echo" in line or "printf" in line:
        line = _PRINTED.sub(" echo ''", line)
    if _ENDLESS.search(line):
        return True
    found = [(d.name, d.body, d.end) for d in definitions(line)]
    found += [(f["name"], f["body"], f.end()) for f in _FISH.finditer(line)]
    for name, body, end in found:
        call = re.compile(_BOUNDARY + re.escape(name) + _END)
        calls_itself_twice = len(call.findall(body)) >= 2
        if calls_itself_twice and _FORKS.search(body) and call.search(line, end):
            return True
    return False
