"""Strings a program's code spells in pieces, folded into the strings they make, so that the
readers of code see the name a call uses however it was built::

    >>> folded("getattr(os, 'sys'+'tem')('r'+'m -rf ~')")
    "os.system('rm -rf ~')"
    >>> folded("require('child_'+'process').execSync(String.fromCharCode(114,109))")
    "require('child_process').execSync('rm')"

Folded: literals joined by ``+`` (or Perl's and PHP's ``.``); characters given by their
codes (``chr(114)``, ``String.fromCharCode(114, 109)``, Perl's ``map { chr } 114, 109``,
Python's ``map(chr, [114, 109])`` and ``bytes([114, 109]).decode()``); ``getattr(x,
'name')`` and ``x['name']`` as ``x.name``; PowerShell's call of a built name (``&
("Remove"+"-Item")``) as the name. Each step is one regular-expression pass, and the joins
are repeated a bounded number of times: linear in the code's length.
"""

from __future__ import annotations

import re

__all__ = ["folded"]

_STRING = r"""(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
_JOINED = re.compile(rf"({_STRING})\s*[+.]\s*({_STRING})")
_JOINS = 6  # passes of joining: each halves the pieces, so 64 pieces make one string
_CODES = r"\d{1,7}(?:\s*,\s*\d{1,7})*"
_FROM_CODES = re.compile(
    rf"String\.fromCharCode\(\s*({_CODES})\s*\)"  # JavaScript
    rf"|\bjoin\(\s*(?:''|\"\")\s*,\s*map\s*\{{\s*chr\s*\}}\s*\(?\s*({_CODES})\s*\)?\s*\)"  # Perl
    rf"|(?:''|\"\")\.join\(\s*map\(\s*chr\s*,\s*[\[(]\s*({_CODES})\s*[\])]\s*\)\s*\)"  # Python
    rf"|\bbytes\(\s*\[\s*({_CODES})\s*\]\s*\)\.decode\(\s*\)"
    r"|\bchr\(\s*(\d{1,7})\s*\)"
)
_GETATTR = re.compile(rf"\bgetattr\(\s*([\w.()\[\]'\"]+?)\s*,\s*({_STRING})\s*\)")
# A method called by its name as a subscript: `fs['rmSync'](…)` (not a value: `env['HOME']`).
_SUBSCRIPT = re.compile(r"""(\w|\))\[\s*(['"])([A-Za-z_$][\w$]*)\2\s*\](?=\s*\()""")
# PowerShell's call operator given a string: `& ("Remove"+"-Item") …` once joined.
# (In parentheses: bash's `cmd & "x"` puts `cmd` in the background and runs `x`.)
_CALLED_NAME = re.compile(rf"&\s*\(\s*({_STRING})\s*\)")


def folded(code: str) -> str:
    """``code`` with the strings it builds from pieces written whole (see the module)."""
    if not any(sign in code for sign in ("+", ".", "chr", "getattr", "[")):
        return code
    code = _FROM_CODES.sub(_characters, code)
    for _ in range(_JOINS):
        joined = _JOINED.sub(_join, code)
        if joined == code:
            break
        code = joined
    code = _GETATTR.sub(lambda m: f"{m[1]}.{m[2][1:-1]}", code)
    code = _SUBSCRIPT.sub(lambda m: f"{m[1]}.{m[3]}", code)
    return _CALLED_NAME.sub(lambda m: m[1][1:-1], code) if "&" in code else code


def _characters(found: re.Match[str]) -> str:
    codes = next(group for group in found.groups() if group is not None)
    text = "".join(chr(int(c)) for c in re.split(r"\s*,\s*", codes) if int(c) < 0x110000)
    return repr(text) if "'" not in text else '"' + text.replace('"', '\\"') + '"'


def _join(found: re.Match[str]) -> str:
    left, right = found[1], found[2]
    quote = left[0]
    inner = right[1:-1]
    if right[0] != quote:  # 'a' + "b": the right one's quotes are the left one's now
        if quote in inner:
            return found[0]
        inner = inner.replace("\\" + right[0], right[0])
    return left[:-1] + inner + quote
