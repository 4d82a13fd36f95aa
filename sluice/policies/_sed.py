"""What ``sed`` prints for a known text when its script is substitutions (``sed 's/^x/r/'``,
``sed -E -e 's/a/b/g' -e 's/c/d/'``), so that a script a pipe spells out with it and feeds to
a shell is read as that text.

Its patterns are POSIX's (basic, or extended with ``-E``/``-r``), translated to RE2 and run
by it (:func:`~sluice.policies._user_regex.compile_user`): a pattern in a command is the
command writer's, so it must not be able to stall a worker. What RE2 cannot run (a
back-reference in a pattern) and any other sed command leaves the output unknown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sluice.policies._user_regex import UserMatch, UserPattern, compile_user

__all__ = ["sed_output"]

_SCRIPTS = 8  # substitutions read in one sed, at most
_GROUP = re.compile(r"\\(\d)")  # a group named in a replacement
# Characters a basic pattern spells with a backslash to make them special (GNU's too);
# bare, they are literal there.
_BASIC_SPECIAL = "(){}+?|"


def sed_output(args: Sequence[str], text: str) -> str | None:
    """What ``sed`` given ``args`` prints for ``text`` on its input, each line through its
    substitutions in turn; None when it is not only substitutions on its input (files to
    read, ``-n``, ``-i``, another command, a pattern RE2 cannot run)."""
    extended, scripts, operands = False, list[str](), list[str]()
    given = list(args)
    while given:
        word = given.pop(0)
        if word in ("-E", "-r", "--regexp-extended"):
            extended = True
        elif word in ("-e", "--expression") and given:
            scripts.append(given.pop(0))
        elif word.startswith("-") and word != "-":
            return None  # -n, -i, -f, -s, -z: not a plain filter of its input
        else:
            operands.append(word)
    if not scripts and operands:
        scripts.append(operands.pop(0))  # the first operand is the script without -e
    if operands or not scripts:
        return None  # files to read: not what the pipe gave it
    commands = [c for script in scripts for c in _split(script)]
    if not commands or len(commands) > _SCRIPTS:
        return None
    substitutions = []
    for command in commands:
        parsed = _substitution(command, extended)
        if parsed is None:
            return None
        substitutions.append(parsed)
    lines = text.split("\n")
    for pattern, template, every in substitutions:
        lines = [_substituted(pattern, template, line, every) for line in lines]
    return "\n".join(lines)


def _split(script: str) -> list[str]:
    """The commands of a script, at ``;`` and line ends outside a substitution's parts."""
    commands, start, at = [], 0, 0
    while at < len(script):
        char = script[at]
        if char == "s" and not script[start:at].strip() and at + 1 < len(script):
            at = _after_substitution(script, at)  # (its delimiter may be ; as well)
            continue
        if char in ";\n":
            commands.append(script[start:at])
            start = at + 1
        at += 1
    commands.append(script[start:])
    return [c.strip() for c in commands if c.strip()]


def _after_substitution(script: str, at: int) -> int:
    """Where the ``s`` command at ``at`` ends (at the ``;`` or line end after its flags)."""
    delimiter, at, parts = script[at + 1], at + 2, 0
    while at < len(script) and parts < 2:
        if script[at] == "\\":
            at += 2
            continue
        if script[at] == delimiter:
            parts += 1
        at += 1
    while at < len(script) and script[at] not in ";\n":
        at += 1
    return at


def _substitution(command: str, extended: bool) -> tuple[UserPattern, str, bool] | None:
    """The pattern, replacement and ``g`` of ``s/PATTERN/REPLACEMENT/FLAGS``; None for any
    other command, flag or pattern."""
    if len(command) < 4 or command[0] != "s" or command[1] in "\\\n":
        return None
    delimiter, parts, part, at = command[1], list[str](), "", 2
    while at < len(command):
        char = command[at]
        if char == "\\" and at + 1 < len(command):
            following = command[at + 1]
            part += following if following == delimiter else char + following
            at += 2
            continue
        if char == delimiter:
            parts.append(part)
            part = ""
            if len(parts) == 2:
                break
        else:
            part += char
        at += 1
    flags = command[at + 1 :]
    if len(parts) != 2 or not set(flags) <= {"g", "I", "i"}:
        return None
    source = parts[0] if extended else _from_basic(parts[0])
    if source is None:
        return None
    try:
        pattern = compile_user(source, ignore_case=bool(set(flags) & {"I", "i"}))
    except ValueError:
        return None
    groups = [int(d) for d in _GROUP.findall(parts[1])]
    if any(group > pattern.groups for group in groups):
        return None  # sed refuses a reference to a group the pattern has not
    return pattern, parts[1], "g" in flags


def _from_basic(pattern: str) -> str | None:
    """A basic (POSIX) pattern in the extended syntax RE2 reads; None for a
    back-reference."""
    out, at, bracket = [], 0, False
    while at < len(pattern):
        char = pattern[at]
        if bracket:
            out.append(char)
            bracket = char != "]" or out[-2:-1] == ["["]
            at += 1
            continue
        if char == "[":
            bracket = True
            out.append(char)
        elif char == "\\" and at + 1 < len(pattern):
            following = pattern[at + 1]
            if following.isdigit():
                return None  # a back-reference: RE2 has none
            out.append(following if following in _BASIC_SPECIAL else "\\" + following)
            at += 1
        elif char in _BASIC_SPECIAL:
            out.append("\\" + char)
        else:
            out.append(char)
        at += 1
    return "".join(out)


def _substituted(pattern: UserPattern, template: str, line: str, every: bool) -> str:
    """``line`` with the first match of ``pattern`` (each, if ``every``) replaced."""
    out, at = [], 0
    while at <= len(line) and (found := pattern.search(line, at)) is not None:
        start, end = found.span()
        out.append(line[at:start] + _replacement(template, found))
        if end == start:  # an empty match: the next character stays, and the search moves on
            out.append(line[end : end + 1])
            end += 1
        at = end
        if not every:
            break
    return "".join(out) + line[at:]


def _replacement(template: str, found: UserMatch) -> str:
    """sed's replacement for one match: ``&`` the match, ``\\N`` a group, ``\\n`` a line end,
    any other escaped character itself."""
    out, at = [], 0
    while at < len(template):
        char = template[at]
        if char == "&":
            out.append(found.group(0))
        elif char == "\\" and at + 1 < len(template):
            following = template[at + 1]
            if following.isdigit():  # (a group the pattern has: see _substitution)
                out.append(found.group(int(following)) or "")
            else:
                out.append("\n" if following == "n" else following)
            at += 1
        else:
            out.append(char)
        at += 1
    return "".join(out)
