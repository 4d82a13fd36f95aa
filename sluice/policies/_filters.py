"""What the text filters of a pipe print for a known text, so that a script a pipe spells
out and feeds to a shell (``echo '~ fr- mr' | rev | sh``), or a substitution spells out for
a command (``terraform $(rev <<< yortsed)``), is read as that text: ``base64 -d``, ``base32
-d``, ``rev``, ``tr`` (ranges, classes, ``-d``: ROT13 is ``tr 'A-Za-z' 'N-ZA-Mn-za-m'``),
``xxd -r -p``, ``cut``, ``sed``'s substitutions (:mod:`._sed`). Each takes time linear in
the text.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Sequence

from sluice.policies._sed import sed_output

__all__ = ["filtered"]

_CLASSES = {
    "[:lower:]": "a-z",
    "[:upper:]": "A-Z",
    "[:digit:]": "0-9",
    "[:alpha:]": "A-Za-z",
    "[:alnum:]": "A-Za-z0-9",
    "[:space:]": " \t\n",
}
_SET_LIMIT = 512  # a set spelt with huge ranges is not read


_DECODE = re.compile(r"-[A-Za-z]*[dD][A-Za-z]*|--decode")  # base64's and base32's -d
_DECODERS: dict[str, Callable[[str], bytes]] = {
    "base64": lambda text: base64.b64decode(text, validate=False),
    "base32": lambda text: base64.b32decode(text + "=" * (-len(text) % 8)),
}


def filtered(name: str, args: Sequence[str], text: str) -> str | None:
    """What the filter ``name`` given ``args`` prints when given ``text``; None when it is no
    filter read here, or its output is no text."""
    args = [w for w in args if w != "--"]
    if "<<<" in args:  # its input, not an argument: rev <<< '~ fr- mr'
        at = args.index("<<<")
        del args[at : at + 2]
    if (decode := _DECODERS.get(name)) is not None:
        if not any(map(_DECODE.fullmatch, args)):
            return None
        try:
            return decode("".join(text.split())).decode()
        except (binascii.Error, ValueError, UnicodeDecodeError):
            return None
    if name == "rev" and not args:
        return "\n".join(line[::-1] for line in text.split("\n"))
    if name == "tr":
        return _translated(args, text)
    if name == "cut":
        return _cut(args, text)
    if name in ("sed", "gsed"):
        return sed_output(args, text)
    if name == "xxd" and "-r" in args and "-p" in args:
        try:
            return binascii.unhexlify("".join(text.split())).decode()
        except (binascii.Error, ValueError, UnicodeDecodeError):
            return None
    return None


def _cut(args: list[str], text: str) -> str | None:
    """What ``cut`` prints for ``text``: the characters ``-c LIST`` (or ``-b``) names of each
    line (``2-``, ``-4``, ``1,3-5``), or the fields ``-f LIST`` names, split at ``-d``'s
    character (a tab by default; a line without it is printed whole, unless ``-s``); None
    for any other cut."""
    given: dict[str, str] = {}
    rest = list(args)
    while rest:
        word = rest.pop(0)
        found = _CUT_OPTION.fullmatch(word)
        if found is None:
            return None
        key, value = (found[1], found[2]) if found[1] else (_CUT_LONG[found[3]], found[4])
        if key == "s" and value is None:
            given["s"] = ""
            continue
        if value is None:
            value = rest.pop(0) if rest else None
        if value is None or key == "s":
            return None
        given[key] = value
    chars, fields = given.get("c", given.get("b")), given.get("f")
    if (chars is None) == (fields is None):  # one of them, as cut wants
        return None
    wanted = _positions(chars if chars is not None else fields or "")
    if wanted is None:
        return None
    lines = text.split("\n")
    if chars is not None:
        return "\n".join("".join(c for i, c in enumerate(line, 1) if i in wanted) for line in lines)
    delimiter = given.get("d", "\t")
    if len(delimiter) != 1:
        return None
    out = []
    for line in lines:
        if delimiter not in line:
            if "s" not in given:
                out.append(line)
            continue
        parts = line.split(delimiter)
        out.append(delimiter.join(p for i, p in enumerate(parts, 1) if i in wanted))
    return "\n".join(out)


def _positions(spelt: str) -> set[int] | None:
    """The positions a cut LIST names (``2-``, ``-4``, ``1,3-5``), up to :data:`_CUT_LIMIT`;
    None if it is no LIST."""
    wanted: set[int] = set()
    for piece in spelt.split(","):
        first, dash, last = piece.partition("-")
        if not (first or last) or not (first or "1").isdigit() or not (last or "0").isdigit():
            return None
        start = int(first or 1)
        end = int(last) if last else (_CUT_LIMIT if dash else start)
        wanted.update(range(start, min(end, _CUT_LIMIT) + 1))
    return wanted


# cut's options: -c LIST, -cLIST, -d X, -f LIST, -s, --characters=, --bytes=, --delimiter=,
# --fields= (groups: a short option's letter and its value joined to it, or a long option's
# name and its value).
_CUT_OPTION = re.compile(r"-([bcdfs])(.+)?|--(characters|bytes|delimiter|fields)=(.*)")
_CUT_LONG = {"characters": "c", "bytes": "b", "delimiter": "d", "fields": "f"}
_CUT_LIMIT = 4096  # characters or fields of a line read, at most


def _translated(args: list[str], text: str) -> str | None:
    """What ``tr SET1 SET2`` or ``tr -d SET`` prints for ``text``."""
    if args[:1] == ["-d"] and len(args) == 2:
        dropped = _set(args[1])
        return None if dropped is None else text.translate({ord(c): None for c in dropped})
    if len(args) != 2 or args[0].startswith("-"):
        return None
    source, target = _set(args[0]), _set(args[1])
    if not source or not target:
        return None
    target += target[-1] * (len(source) - len(target))  # the last one repeated, as tr does
    return text.translate({ord(a): b for a, b in zip(source, target, strict=False)})


def _set(spelt: str) -> str | None:
    """The characters of a ``tr`` set, its ranges and classes spelt out; None past
    :data:`_SET_LIMIT` of them."""
    for name, chars in _CLASSES.items():
        spelt = spelt.replace(name, chars)
    spelt = spelt.replace("\\n", "\n").replace("\\t", "\t")
    out: list[str] = []
    size = at = 0
    while at < len(spelt):
        first, last = spelt[at], spelt[at + 2] if at + 2 < len(spelt) else ""
        ranged = last and spelt[at + 1] == "-" and first <= last
        step = ord(last) - ord(first) + 1 if ranged else 1
        size += step
        if size > _SET_LIMIT:
            return None
        out.append("".join(map(chr, range(ord(first), ord(last) + 1))) if ranged else first)
        at += 3 if ranged else 1
    return "".join(out)
