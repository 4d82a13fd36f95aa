"""fish's, zsh's and nushell's constructs that the rules read as the bash they match, in
the scripts those shells are given (``fish -c '…'``, Codex's ``["zsh", "-c", …]``), so that
an act spelt for another shell is judged as the same act spelt for bash::

    >>> bash_spelling("fish", "set -l d ~; rm -rf $d")
    'd=~\\nrm -rf $d'
    >>> bash_spelling("fish", "function nuke; rm -rf $argv; end; nuke $HOME")
    'nuke() {\\nrm -rf "$@"\\n}\\nnuke $HOME'
    >>> bash_spelling("zsh", "rm -rf ${PWD:h}")
    'rm -rf "$(dirname "$PWD")"'
    >>> bash_spelling("nu", "ls -a ~ | each { |it| rm -rf $it.name }")
    'ls -a ~ | xargs -I{} rm -rf {}'

They are:

- fish's: a command's output as ``(command)`` (bash's ``$(command)``), a variable set by
  ``set [-lgxU] NAME VALUE…``, blocks closed by ``end`` (``function``, ``for``, ``while``,
  ``if``, ``begin``), a function's arguments as ``$argv``, and ``and``/``or``/``not``;
- zsh's: a path's parent as ``${NAME:h}`` (its name as ``:t``), a variable's value taken
  as a glob (``${~NAME}``) or split (``${=NAME}``), a program by its path (``=rm``), a
  command's output in a file (``=(command)``, bash's ``<(command)``), and a glob's
  qualifiers and exclusions (``~/*(D)``, ``~/.ssh/id_*~*.pub(N)``), which only narrow it;
- nushell's: an environment variable as ``$env.NAME``, a subexpression as ``(…)``, a
  closure run on each item piped in (``each { |it| … $it.name }``, read as ``xargs``),
  ``open`` (``cat``), ``http get`` and ``http post`` (``curl``), ``save`` (a redirect),
  ``path dirname`` and ``lines``.

Anything else is left as it is: the line is then read as bash reads it, as before.
"""

from __future__ import annotations

import re

__all__ = ["bash_spelling"]


def bash_spelling(shell: str, script: str) -> str:
    """``script``, given to the shell ``shell`` (a program's name: ``fish``), with that
    shell's constructs above spelt as bash's; a script of any other shell as it is."""
    if shell == "fish":
        return _fish(script)
    if shell == "zsh":
        return _zsh(script)
    if shell == "nu":
        return _nushell(script)
    return script


def _statements(script: str, separators: str = ";\n") -> list[str]:
    """``script``'s statements: cut at each ``;`` and newline (or other ``separators``)
    outside quotes and parentheses (a substitution's own statements stay in it)."""
    found, start, depth, quote = [], 0, 0, ""
    for at, char in enumerate(script):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char in separators and depth == 0:
            found.append(script[start:at])
            start = at + 1
    found.append(script[start:])
    return [statement.strip() for statement in found if statement.strip()]


def _substitutions(text: str) -> str:
    """``text`` with each ``(`` outside quotes that is not bash's already (``$(``, ``<(``)
    opening a substitution, as fish's and nushell's parentheses do: ``$(``."""
    out, quote = [], ""
    for at, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(" and (at == 0 or text[at - 1] not in "$<>=@"):
            out.append("$")
        out.append(char)
    return "".join(out)


# fish's blocks, each closed by `end`, and what closes the same in bash.
_OPENS = {"for": "done", "while": "done", "if": "fi", "begin": "}", "function": "}"}
_SET_OPTIONS = re.compile(r"-[a-zA-Z]+|--(?:local|global|export|universal|path|function)")
_ERASES = frozenset({"-e", "--erase", "-q", "--query", "-n", "--names"})
_ARGV = re.compile(r"\$argv(?:\[(\d+)\])?")


def _fish(script: str) -> str:
    lines: list[str] = []
    closers: list[str] = []
    for statement in _statements(script):
        statement = _ARGV.sub(lambda m: f"${m[1]}" if m[1] else '"$@"', statement)
        statement = _substitutions(statement)
        keyword, _, rest = statement.partition(" ")
        rest = rest.strip()
        if keyword in ("and", "or") and rest:  # `…; and rm -rf $d`: run after the last
            keyword, _, rest = rest.partition(" ")
            statement = f"{keyword} {rest}".strip()
        if keyword == "end":
            lines.append(closers.pop() if closers else ":")
        elif keyword in _OPENS and (rest or keyword == "begin"):
            lines.append(_opened(keyword, rest, statement))
            closers.append(_OPENS[keyword])
        elif keyword == "else":
            lines.append(f"elif {rest[3:]}; then" if rest.startswith("if ") else "else")
        elif keyword == "switch":  # each case's statements are read, as if it matched
            lines.append("{")
            closers.append("}")
        elif keyword == "case":
            lines.append(":")
        elif keyword == "not":
            lines.append(f"! {rest}")
        elif keyword == "set":
            lines.append(_fish_set(rest))
        else:
            lines.append(statement)
    return "\n".join(lines)


def _opened(keyword: str, rest: str, statement: str) -> str:
    """How bash opens the block fish's ``statement`` opens (``keyword``, then ``rest``)."""
    if keyword == "function":
        return f"{rest.split()[0]}() {{"
    if keyword == "begin":
        return "{"
    return f"{statement}; then" if keyword == "if" else f"{statement}; do"


def _fish_set(rest: str) -> str:
    """fish's ``set [options] NAME VALUE…`` as bash's assignment (``NAME=VALUE``, or an
    array, ``NAME=(VALUE …)``; ``export`` with ``-x``)."""
    words = rest.split(" ")
    options = []
    while words and _SET_OPTIONS.fullmatch(words[0]):
        options.append(words.pop(0))
    if not words or not words[0] or _ERASES & set(options):
        return ":"
    name, value = words[0], " ".join(words[1:]).strip()
    export = "export " if {"-x", "--export", "-gx", "-xg", "-lx", "-xl"} & set(options) else ""
    single = len(_statements(value, " \t")) <= 1
    return f"{export}{name}={value}" if single else f"{export}{name}=({value})"


# zsh's modifiers of a variable's value that the rules read: its parent (h), its name (t).
_MODIFIED = re.compile(r"\$\{(\w+)((?::[hAatre])+)\}")
_GLOB_FLAG = re.compile(r"\$\{[~=^]+(\w+)\}")
_PATH_OF = re.compile(r"(^|[;&|\n({][ \t]*)=(?=[A-Za-z_])")
_FILE_OF = re.compile(r"(?<![\w$<>=+])=\(")
_WORD = r"[^\s;|&()'\"]"
_QUALIFIER = re.compile(rf"({_WORD}*[*?\]]{_WORD}*)\([#^\w:.,/@=+\-\[\]]*\)")
_EXCLUDED = re.compile(rf"({_WORD}*[*?\]][^\s;|&()'\"~]*)~{_WORD}+")


def _zsh(script: str) -> str:
    if "${" in script:
        script = _MODIFIED.sub(_modified, script)
        script = _GLOB_FLAG.sub(r"$\1", script)
    if "=" in script:
        script = _FILE_OF.sub("<(", _PATH_OF.sub(r"\1", script))
    if "(" in script:
        script = _QUALIFIER.sub(r"\1", script)
    if "~" in script:
        script = _EXCLUDED.sub(r"\1", script)
    return script


def _modified(match: re.Match[str]) -> str:
    value = f'"${match[1]}"'
    for modifier in match[2].split(":")[1:]:
        if modifier in ("h", "t"):
            value = f'"$({"dirname" if modifier == "h" else "basename"} {value})"'
    return value


_ENV = re.compile(r"\$env\.(\w+)")
# A closure run on each item: `each { |it| rm -rf $it.name }`, `each { rm $in.name }`.
_EACH = re.compile(r"\beach\s*\{\s*(?:\|\s*(\w+)\s*\|)?\s*([^{}]*?)\s*\}")
_DIRNAME_OF = re.compile(r"\(\s*(\$\w+)\s*\|\s*path\s+dirname\s*\)")
_LINES = re.compile(r"\|\s*lines\s*(?=\|)")
_OPEN = re.compile(r"\bopen\s+(?:--raw\s+|-r\s+)?")
_HTTP = re.compile(r"\bhttp\s+(post|put|patch)\s+(\S+)\s+")
_HTTP_GET = re.compile(r"\bhttp\s+get\s+")
_SAVE = re.compile(r"\s*\|\s*save\s+((?:-[fa]\s+|--force\s+|--append\s+)*)")
_PIPED_STRING = re.compile(r"(^|[;\n][ \t]*)(?=\"[^\"]*\"\s*\|)")


def _nushell(script: str) -> str:
    script = _ENV.sub(r"$\1", script)
    script = _DIRNAME_OF.sub(r'"$(dirname "\1")"', script)
    script = _EACH.sub(_each, script)
    script = _LINES.sub("", script)
    script = _OPEN.sub("cat ", script)
    script = _HTTP.sub(lambda m: f"curl -X {m[1].upper()} {m[2]} -d ", script)
    script = _HTTP_GET.sub("curl -fsSL ", script)
    script = _PIPED_STRING.sub(r"\1echo ", script)
    script = _SAVE.sub(lambda m: " >> " if "a" in m[1] else " > ", script)
    return _substitutions(script)


def _each(match: re.Match[str]) -> str:
    item = match[1] or "in"
    body = re.sub(rf"\${item}(?:\.name)?\b", "{}", match[2])
    return f"xargs -I{{}} {body}"
