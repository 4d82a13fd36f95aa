"""Fork bombs in a shell line: a function that starts itself twice, at least once in the
background or through a pipe (``:(){ :|:& };:``, ``b() { b & b; }; b``, ``function f { f|f&
}; f``, fish's ``function f; f | f &; end; f``), then called; a batch file's ``%0|%0``; an
endless loop that starts a background process each turn. What a line gives a program as
text is not one (``echo ':(){ :|:& };:' >> notes.md``, ``git commit -m '… :(){ :|:& };:
…'``), nor is a here-document no shell reads (``cat > bomb.txt <<'EOF'``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sluice.policies._functions import definitions
from sluice.policies._line import own_code
from sluice.policies._shell import Prefiltered, program, with_next

__all__ = ["floods", "forks_forever", "forks_itself"]

# What any fork bomb below needs: a function's `()` or keyword, a loop, a script's own name.
_MAY_FORK = Prefiltered(
    re.compile(
        r"\(\s*\)|\bfunction\b|\bwhile\b|\buntil\b|%0|\$\{?0|BASH_SOURCE|\bfor\b"
        r"|PSCommandPath|MyInvocation"
    ),
    ("(", "function", "while", "until", "%0", "$", "bash_source", "for", "invocation"),
)
_ITSELF_PS = r"\$(?:PSCommandPath|MyInvocation\.MyCommand\.(?:Path|Definition))"  # its own path
_FORKS = re.compile(r"(?<![|&])[|&](?![|&])")  # a pipe or a background `&`, not `||`, `&&`
_ENDLESS = re.compile(
    r"(?:\b(?:while|until)\s+(?:true|:|\[\s*1\s*\]|false)|\bfor\s*\(\(\s*;\s*;\s*\)\))\s*;\s*do\s+"
    r"(?:[^;&\n]|[0-9]?>&[0-9-]|&>){1,200}&\s*\)?\s*(?:;\s*)?done"  # (2>&1, &>: redirects)
    r"|%0\s*\^?\|\s*%0"  # a batch file piping itself into itself: %0|%0
    # macOS's `open -n`, which starts a new instance and returns at once, in an endless loop.
    r"|\b(?:while|until)\s+(?:true|:|\[\s*1\s*\]|false)\s*;\s*do\s+(?:[^;&\n]*;\s*)*?"
    r"open\s+-[a-zA-Z]*n[a-zA-Z]*\b[^;&\n]{0,200};\s*done"
    # PowerShell's endless loop starting a process each turn, not waiting for it.
    r"|\b(?:while\s*\(\s*(?:\$true|1)\s*\)|for\s*\(\s*;\s*;\s*\))\s*\{[^}]{0,200}?"
    r"\bStart-(?:Process|Job)\b(?![^}]*-Wait)"
    # A PowerShell script starting itself twice: two `Start-Process pwsh … $PSCommandPath`.
    r"|Start-Process\b[^;\n]*"
    + _ITSELF_PS
    + r"[^\n]{0,200}?\bStart-Process\b[^;\n]*"
    + _ITSELF_PS
    # A script starting itself twice, in the background or through a pipe: `$0 & $0 &`.
    + r'|"?\$(?:0|\{0\}|BASH_SOURCE)"?\s*[|&]\s*(?:\b(?:ba|z|da|k)?sh\s+)?'
    + r'"?\$(?:0|\{0\}|BASH_SOURCE)\b'
)
# fish's `function f; f | f &; end; f`.
_FISH = re.compile(r"\bfunction\s+(?P<name>[^\s;|&]+)\s*;(?P<body>[^\n]{0,200}?)\bend\b")
_BOUNDARY = r"(?:^|(?<=[\s|&;(){}'\"`]))"
_END = r"(?=$|[\s|&;(){}'\"`])"


def forks_forever(line: str, scripts_apart: bool = False) -> bool:
    """Whether ``line`` holds a fork bomb under any name, or an endless spawning loop, in
    its own code (not in what it quotes: a shell given that reads it as a line; nor in the
    scripts read as lines of their own, ``scripts_apart``: see ``own_code``)."""
    if _MAY_FORK.search(line) is None:
        return False  # neither a function nor a loop: the common case, decided at once
    if "'" in line or '"' in line or "<<" in line:
        line = own_code(line, scripts_apart)
    if _ENDLESS.search(line):
        return True
    found = [(d.name, d.body, d.end) for d in definitions(line)]
    found += [(f["name"], f["body"], f.end()) for f in _FISH.finditer(line)]
    for name, body, end in found:
        if forks_itself(name, body) and _call(name).search(line, end):
            return True
    return False


def forks_itself(name: str, body: str) -> bool:
    """Whether function ``name``, whose body is ``body``, starts itself twice, at least once
    in the background or through a pipe: a fork bomb once called (wherever it was defined:
    in the line, or in a file the line sources)."""
    return len(_call(name).findall(body)) >= 2 and _FORKS.search(body) is not None


def _call(name: str) -> re.Pattern[str]:
    return re.compile(_BOUNDARY + re.escape(name) + _END)


def floods(words: Sequence[str], producer: Sequence[str]) -> bool:
    """Whether ``xargs -P 0`` or ``parallel -j 0`` (``words``: the feeder's own) is fed an
    endless input (``producer``: ``yes``, ``seq inf``): it starts processes until none are
    left."""
    name = program(producer)  # `time yes`, `sudo seq inf` too
    endless = name == "yes" or (name == "seq" and "inf" in producer)
    if not endless or not words:
        return False
    unbounded = {("-P", "0"), ("--max-procs", "0"), ("-j", "0"), ("--jobs", "0")}
    return any((a, b) in unbounded for a, b in with_next(words)) or any(
        w in ("-P0", "--max-procs=0", "-j0", "--jobs=0") for w in words
    )
